package graphtest

import (
	"fmt"
	"hash/fnv"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// TestRender_projection serves calendarView and both mail folders of a
// realistic organisation and wants every item of every page to be the full
// rendering of its entry (EventJSON in the page's zone, MessageJSON in its
// folder) projected on the request's $select: the selected properties,
// id and @odata.etag, internetMessageHeaders only when selected. It tries
// package msgraph's $select lists and others (every property, none,
// internetMessageHeaders or not, unknown names), other output zones, and
// small pages followed through their next links.
func TestRender_projection(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	org, err := synthetic.Generate(synthetic.Config{People: n, Weeks: 2, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	violations := 0
	srv := New(org, Options{WindowsZones: true, OnViolation: func(string) { violations++ }})
	srv.URL = "http://graph.test"

	people := org.People()
	someEvent, someMail := org.Calendar(people[0].Email)[0], org.Mailbox(people[0].Email)[0]
	allEvent := slices.Sorted(maps.Keys(EventJSON(someEvent, people[0].Email, time.UTC, "UTC")))
	allEvent = append(allEvent, "originalStart") // only on instances of a series
	allMessage := slices.Sorted(maps.Keys(MessageJSON(someMail, people[0].Email, FolderInbox)))
	if !slices.Contains(allMessage, "internetMessageHeaders") {
		t.Fatalf("MessageJSON lacks internetMessageHeaders: %v", allMessage)
	}
	noHeaders := slices.DeleteFunc(slices.Clone(connectorMessageSelect), func(p string) bool { return p == "internetMessageHeaders" })
	type variant struct {
		name   string
		sel    []string // nil = no $select
		extra  string   // more query
		prefer []string
		zone   string // outlook.timezone, "" = UTC
		pages  bool   // a small page size: follow the next links
	}
	events := []variant{
		{"connector", connectorEventSelect, "", connectorPrefer, "UTC", false},
		{"all", allEvent, "", []string{`outlook.timezone="Europe/Berlin"`}, "Europe/Berlin", false},
		{"none", nil, "", nil, "", false},
		{"unknown and id", []string{"id", "nonsense", "isAllDay", "@odata.etag"}, "", nil, "", false},
		{"paged", connectorEventSelect, "", []string{`outlook.timezone="UTC"`, "odata.maxpagesize=3"}, "UTC", true},
		{"top", []string{"start", "end"}, "&%24top=2", []string{`outlook.timezone="Asia/Kolkata"`}, "Asia/Kolkata", true},
	}
	mails := []variant{
		{"connector", connectorMessageSelect, "", connectorPrefer, "", false},
		{"no headers", noHeaders, "", connectorPrefer, "", false},
		{"all", allMessage, "", nil, "", false},
		{"none", nil, "", nil, "", false},
		{"paged", connectorMessageSelect, "", []string{"odata.maxpagesize=4"}, "", true},
	}
	query := func(v variant) string {
		q := v.extra
		if v.sel != nil {
			q += "&%24select=" + strings.Join(v.sel, ",")
		}
		return q
	}
	start, end := org.Window()
	from := start.Add(-26 * time.Hour).UTC().Format(time.RFC3339)
	to := end.Add(26 * time.Hour).UTC().Format(time.RFC3339)
	filter := "%24filter=" + url.QueryEscape("receivedDateTime ge "+start.Add(24*time.Hour).UTC().Format(time.RFC3339)+
		" and receivedDateTime lt "+end.UTC().Format(time.RFC3339))

	var seen coverage
	items, noSelect := 0, 0
	for i, p := range people {
		base := srv.URL + "/v1.0/users/" + ObjectID(p.Email)
		// Every person with package msgraph's requests, one in ten with the
		// other variants.
		for j, v := range events {
			if j > 0 && i%10 != j%10 {
				continue
			}
			loc, zone := time.UTC, "UTC"
			if v.zone != "" {
				if loc, err = time.LoadLocation(v.zone); err != nil {
					t.Fatal(err)
				}
				zone = v.zone
			}
			full := fullRenderings(t, org.Calendar(p.Email), func(e synthetic.CalendarEntry) string {
				return itemID("EV", e.ID, p.Email)
			}, func(e synthetic.CalendarEntry) map[string]any { return EventJSON(e, p.Email, loc, zone) })
			u := base + "/calendarView?startDateTime=" + from + "&endDateTime=" + to + query(v)
			items += checkServed(t, srv, u, v.prefer, v.pages, v.sel, full)
			if v.sel == nil {
				noSelect++
			}
		}
		for j, v := range mails {
			if j > 0 && i%10 != j%10 {
				continue
			}
			for _, f := range []string{FolderSent, FolderInbox} {
				full := fullRenderings(t, org.Mailbox(p.Email), func(e synthetic.MailEntry) string {
					return itemID("MS", e.ID, p.Email)
				}, func(e synthetic.MailEntry) map[string]any { return MessageJSON(e, p.Email, f) })
				u := base + "/mailFolders/" + f + "/messages?" + filter + query(v)
				items += checkServed(t, srv, u, v.prefer, v.pages, v.sel, full)
				if v.sel == nil {
					noSelect++
				}
			}
		}
		seen.add(org, p.Email)
		if t.Failed() {
			t.FailNow()
		}
	}
	// Requests without $select are privacy violations, but answered.
	if violations < noSelect || noSelect == 0 {
		t.Errorf("%d violations reported for %d requests without $select", violations, noSelect)
	}
	// The organisation has every kind of item the renderers branch on.
	t.Logf("%d items checked; %+v", items, seen)
	v := reflect.ValueOf(seen)
	for i := range v.NumField() {
		if v.Field(i).Int() == 0 {
			t.Errorf("the organisation has no %s", v.Type().Field(i).Name)
		}
	}
}

// fullRenderings returns the full rendering of each of entries by its
// item id, rendered on demand (false for an id that is none of them).
func fullRenderings[E any](t *testing.T, entries []E, id func(E) string, render func(E) map[string]any) func(string) (map[string]any, bool) {
	t.Helper()
	byID := make(map[string]int, len(entries))
	for i, e := range entries {
		if _, dup := byID[id(e)]; dup {
			t.Fatalf("item id %s not unique", id(e))
		}
		byID[id(e)] = i
	}
	return func(id string) (map[string]any, bool) {
		i, ok := byID[id]
		if !ok {
			return nil, false
		}
		m := render(entries[i])
		if m["id"] != id {
			t.Fatalf("rendering of item %s has id %v", id, m["id"])
		}
		return m, true
	}
}

// checkServed GETs u with the Prefer headers (following next links if
// pages) and wants every item to be its full rendering full(id) projected
// on sel (nil: every property), without internetMessageHeaders unless sel
// names them, and no item twice. It returns how many items it checked.
func checkServed(t *testing.T, s *Server, u string, prefer []string, pages bool, sel []string, full func(id string) (map[string]any, bool)) int {
	t.Helper()
	var set map[string]bool
	if sel != nil {
		set = map[string]bool{}
		for _, p := range sel {
			set[p] = true
		}
	}
	served := map[string]bool{}
	n, npages := 0, 0
	for ; u != ""; npages++ {
		got, body := serve(t, s, u, prefer)
		if got.Code != http.StatusOK {
			t.Fatalf("GET %s: %d, want 200: %s", u, got.Code, got.Body)
		}
		if ct := got.Header().Get("Content-Type"); ct != contentType {
			t.Errorf("GET %s: Content-Type %q", u, ct)
		}
		if ctx, _ := body["@odata.context"].(string); !strings.HasPrefix(ctx, s.URL+"/v1.0/$metadata#users(") {
			t.Errorf("GET %s: @odata.context %q", u, ctx)
		}
		for k, i := 0, body["value"].([]any); k < len(i); k++ {
			item := i[k].(map[string]any)
			id, _ := item["id"].(string)
			if served[id] {
				t.Fatalf("GET %s: item %q served twice", u, id)
			}
			served[id] = true
			want, ok := full(id)
			if !ok {
				t.Fatalf("GET %s: item %q is none of the mailbox's", u, id)
			}
			want = project(want, set)
			if !set["internetMessageHeaders"] {
				delete(want, "internetMessageHeaders") // only returned when selected
			}
			if !reflect.DeepEqual(item, want) {
				t.Fatalf("GET %s: item %d:\n%s", u, k, diffJSON(item, want, "value"))
			}
			n++
		}
		u, _ = body["@odata.nextLink"].(string)
	}
	if pages && n > 3 && npages < 2 {
		t.Errorf("%d items in %d page", n, npages)
	}
	return n
}

func serve(t *testing.T, s *Server, u string, prefer []string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest("GET", u, nil)
	for _, p := range prefer {
		req.Header.Add("Prefer", p)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	var body map[string]any // json v2 rejects duplicate names too
	if err := jsonv2.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: %v: %.300s", u, err, w.Body)
	}
	return w, body
}

// diffJSON describes the first differences between two decoded JSON
// values.
func diffJSON(got, want any, path string) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			break
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(w)) {
			if _, ok := g[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing, want %v", path, k, w[k]))
			} else if d := diffJSON(g[k], w[k], path+"."+k); d != "" {
				out = append(out, d)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(g)) {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: %v, want none", path, k, g[k]))
			}
		}
		return strings.Join(out[:min(len(out), 10)], "\n")
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			break
		}
		for i := range w {
			if d := diffJSON(g[i], w[i], fmt.Sprintf("%s[%d]", path, i)); d != "" {
				return d
			}
		}
		return ""
	}
	if reflect.DeepEqual(got, want) {
		return ""
	}
	return fmt.Sprintf("%s: %.200v, want %.200v", path, got, want)
}

// coverage counts the kinds of items the renderers branch on.
type coverage struct {
	AllDay, Timed, Series, Exception, Cancelled, Online, Resource, Optional, Organizer, Declined int
	Cc, Bcc, Reply, AutoSubmitted, NamedFrom, BareFrom                                           int
}

func (c *coverage) add(org *synthetic.Org, email string) {
	count := func(n *int, ok bool) {
		if ok {
			*n++
		}
	}
	for _, e := range org.Calendar(email) {
		count(&c.AllDay, e.AllDay)
		count(&c.Timed, !e.AllDay)
		count(&c.Series, e.SeriesID != "")
		count(&c.Exception, e.SeriesID != "" && !e.OriginalStart.Equal(e.Start) && !e.Start.IsZero())
		count(&c.Cancelled, e.Status == "cancelled")
		count(&c.Online, e.Online)
		count(&c.Organizer, strings.EqualFold(e.Organizer, email))
		for _, a := range e.Attendees {
			count(&c.Resource, a.Resource)
			count(&c.Optional, a.Optional)
			count(&c.Declined, a.ResponseStatus == "declined")
		}
	}
	for _, m := range org.Mailbox(email) {
		count(&c.Cc, len(m.Cc) > 0)
		count(&c.Bcc, len(m.Bcc) > 0)
		count(&c.Reply, m.InReplyTo != "")
		count(&c.AutoSubmitted, m.AutoSubmitted != "")
		count(&c.NamedFrom, strings.Contains(m.From, "<"))
		count(&c.BareFrom, !strings.Contains(m.From, "<"))
	}
}

// TestSplitAddress holds splitAddress to net/mail.ParseAddress, on the
// forms it splits itself and on those it must leave to net/mail.
func TestSplitAddress(t *testing.T) {
	org, err := synthetic.Generate(synthetic.Config{People: 60, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	hs := []string{
		"ann@example.com", "Ann Smith <ann.smith@example.com>", "Ann Müller <Ann.Mueller@Example.com>",
		"Sean O'Brien <sean_o-brien+x@mail.example.co.uk>", `"Smith, Ann" <ann@example.com>`, "Ann  Smith <ann@example.com>",
		" ann@example.com ", "Ann Smith<ann@example.com>", "=?utf-8?q?Ann_Sm=C3=BCth?= <ann@example.com>",
		"Ann (Sales) Smith <ann@example.com>", "J. Smith <j@example.com>", "ann..smith@example.com", ".ann@example.com",
		"ann@example..com", "ann@", "@example.com", "Ann Smith <ann@example.com", "Ann Smith", "", "<ann@example.com>",
		"ann@[10.0.0.1]", "Ann Smith <ann@example.com> ", "Ann\u00a0Smith <ann@example.com>", "Ann \xff <ann@example.com>",
	}
	for _, p := range org.People() {
		for _, m := range org.Mailbox(p.Email) {
			hs = append(hs, m.From)
			hs = append(hs, m.To...)
		}
	}
	for _, h := range hs {
		name, addr, ok := splitAddress(h)
		a, err := mail.ParseAddress(h)
		if ok != (err == nil) || ok && (name != a.Name || addr != a.Address) {
			t.Errorf("splitAddress(%q) = %q, %q, %v; net/mail gives %v, %v", h, name, addr, ok, a, err)
		}
	}
}

// TestItemID holds itemID to its definition.
func TestItemID(t *testing.T) {
	for _, c := range [][3]string{{"EV", "abc_20261109T090000Z", "ann@example.com"}, {"CV", "thread-1", ""}, {"FD", "", ""}} {
		h := fnv.New64a()
		h.Write([]byte(c[1] + "\x00" + c[2]))
		if got, want := itemID(c[0], c[1], c[2]), fmt.Sprintf("AAMk%s%016x", c[0], h.Sum64()); got != want {
			t.Errorf("itemID%q = %s, want %s", c, got, want)
		}
	}
}
