package graphtest_test

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// shared is the shared reference data: the Graph v1.0 CSDL and the Graph
// Data Connect sample records.
const shared = "../../../../shared/data"

func newOrg(t *testing.T) *synthetic.Org {
	t.Helper()
	org, err := synthetic.Generate(synthetic.Config{People: 12, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

func get(t *testing.T, url string, prefer ...string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prefer {
		req.Header.Add("Prefer", p)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, resp.Header, body
}

// csdl is the part of an OData CSDL document the shape checks need.
type csdl struct {
	types map[string]*csdlType // by short name ("event")
	enums map[string][]string
}

type csdlType struct {
	Name     string `xml:"Name,attr"`
	BaseType string `xml:"BaseType,attr"`
	Props    []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"Property"`
	Navs []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"NavigationProperty"`
}

var (
	csdlOnce sync.Once
	csdlDoc  *csdl
	csdlErr  error
)

// loadCSDL parses the microsoft.graph schema of the v1.0 CSDL.
func loadCSDL(t *testing.T) *csdl {
	t.Helper()
	csdlOnce.Do(func() {
		f, err := os.Open(filepath.Join(shared, "msgraph-metadata", "v1.0-Prod.csdl"))
		if err != nil {
			csdlErr = err
			return
		}
		defer f.Close()
		var doc struct {
			Schemas []struct {
				Namespace string     `xml:"Namespace,attr"`
				Entities  []csdlType `xml:"EntityType"`
				Complexes []csdlType `xml:"ComplexType"`
				Enums     []struct {
					Name    string `xml:"Name,attr"`
					Members []struct {
						Name string `xml:"Name,attr"`
					} `xml:"Member"`
				} `xml:"EnumType"`
			} `xml:"DataServices>Schema"`
		}
		if err := xml.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
			csdlErr = err
			return
		}
		c := &csdl{types: map[string]*csdlType{}, enums: map[string][]string{}}
		for _, s := range doc.Schemas {
			if s.Namespace != "microsoft.graph" {
				continue
			}
			for _, ts := range [][]csdlType{s.Entities, s.Complexes} {
				for i := range ts {
					c.types[ts[i].Name] = &ts[i]
				}
			}
			for _, e := range s.Enums {
				for _, m := range e.Members {
					c.enums[e.Name] = append(c.enums[e.Name], m.Name)
				}
			}
		}
		csdlDoc = c
	})
	if csdlErr != nil {
		t.Fatalf("CSDL: %v", csdlErr)
	}
	return csdlDoc
}

func short(typ string) string {
	typ = strings.TrimPrefix(typ, "graph.")
	return strings.TrimPrefix(typ, "microsoft.graph.")
}

// property returns the declared type of property name of typ or a base
// type ("" if none), and whether it is a navigation property.
func (c *csdl) property(typ, name string) (string, bool) {
	for t := c.types[short(typ)]; t != nil; t = c.types[short(t.BaseType)] {
		for _, p := range t.Props {
			if p.Name == name {
				return p.Type, false
			}
		}
		for _, p := range t.Navs {
			if p.Name == name {
				return p.Type, true
			}
		}
		if t.BaseType == "" {
			break
		}
	}
	return "", false
}

var (
	timeOfDayRE = regexp.MustCompile(`^\d\d:\d\d:\d\d(\.\d{1,7})?$`)
	dateRE      = regexp.MustCompile(`^\d{4}-\d\d-\d\d$`)
)

// conform returns how v departs from the CSDL type typ.
func (c *csdl) conform(typ string, v any, path string) []string {
	if v == nil {
		return nil // every property here is nullable
	}
	if inner, ok := strings.CutPrefix(typ, "Collection("); ok {
		arr, ok := v.([]any)
		if !ok {
			return []string{path + ": want an array for " + typ}
		}
		var bad []string
		for _, x := range arr {
			bad = append(bad, c.conform(strings.TrimSuffix(inner, ")"), x, path+"[]")...)
		}
		return bad
	}
	wrong := func() []string { return []string{path + ": value does not fit " + typ} }
	switch typ {
	case "Edm.String", "Edm.Guid", "Edm.Binary":
		if _, ok := v.(string); !ok {
			return wrong()
		}
		return nil
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			return wrong()
		}
		return nil
	case "Edm.Int32", "Edm.Int64", "Edm.Double":
		if _, ok := v.(float64); !ok {
			return wrong()
		}
		return nil
	case "Edm.DateTimeOffset":
		s, ok := v.(string)
		if _, err := time.Parse(time.RFC3339Nano, s); !ok || err != nil {
			return wrong()
		}
		return nil
	case "Edm.TimeOfDay":
		if s, ok := v.(string); !ok || !timeOfDayRE.MatchString(s) {
			return wrong()
		}
		return nil
	case "Edm.Date":
		if s, ok := v.(string); !ok || !dateRE.MatchString(s) {
			return wrong()
		}
		return nil
	}
	if members, ok := c.enums[short(typ)]; ok {
		if s, ok := v.(string); !ok || !slices.Contains(members, s) {
			return []string{path + ": " + strings.TrimSpace(jsonString(v)) + " is not a member of " + typ}
		}
		return nil
	}
	if c.types[short(typ)] == nil {
		return []string{path + ": unknown type " + typ}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return wrong()
	}
	if ot, ok := obj["@odata.type"].(string); ok {
		typ = strings.TrimPrefix(ot, "#")
	}
	var bad []string
	for k, x := range obj {
		if strings.HasPrefix(k, "@odata.") {
			continue
		}
		pt, _ := c.property(typ, k)
		if pt == "" {
			bad = append(bad, path+"."+k+": not a property of "+typ)
			continue
		}
		bad = append(bad, c.conform(pt, x, path+"."+k)...)
	}
	return bad
}

func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }

// roundTrip renders v as JSON and back, as a client sees it.
func roundTrip(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestServer_csdlShapes checks every payload the fake serves, through
// HTTP and unselected, against the v1.0 CSDL: property names and types,
// enum values, nested complex types, base types.
func TestServer_csdlShapes(t *testing.T) {
	c := loadCSDL(t)
	org := newOrg(t)
	srv := graphtest.NewServer(t, org, graphtest.Options{OnViolation: func(string) {}, WindowsZones: true})
	check := func(typ string, v any, what string) {
		t.Helper()
		for _, b := range c.conform(typ, v, what) {
			t.Error(b)
		}
	}
	_, _, users := get(t, srv.BaseURL()+"/users?$expand=manager")
	vals := users["value"].([]any)
	if len(vals) == 0 {
		t.Fatal("no users")
	}
	for _, u := range vals {
		check("graph.user", u, "user")
	}
	start, end := org.Window()
	q := "?startDateTime=" + start.Format(time.RFC3339) + "&endDateTime=" + end.Format(time.RFC3339)
	events, messages := 0, 0
	for _, p := range org.People() {
		id := graphtest.ObjectID(p.Email)
		_, _, ms := get(t, srv.BaseURL()+"/users/"+id+"/mailboxSettings")
		delete(ms, "@odata.context")
		check("graph.mailboxSettings", ms, "mailboxSettings")
		for url := srv.BaseURL() + "/users/" + id + "/calendarView" + q; url != ""; {
			_, _, page := get(t, url, `outlook.timezone="UTC"`, "odata.maxpagesize=100")
			for _, e := range page["value"].([]any) {
				check("graph.event", e, "event")
				events++
			}
			url, _ = page["@odata.nextLink"].(string)
		}
		for _, f := range []string{"sentitems", "inbox"} {
			url := srv.BaseURL() + "/users/" + id + "/mailFolders/" + f + "/messages?$top=1000"
			_, _, page := get(t, url)
			for _, m := range page["value"].([]any) {
				check("graph.message", m, "message")
				messages++
			}
		}
	}
	// internetMessageHeaders only come when selected.
	e := org.Mailbox(org.People()[0].Email)[0]
	check("graph.message", roundTrip(t, graphtest.MessageJSON(e, org.People()[0].Email, "inbox")), "message+headers")
	if events == 0 || messages == 0 {
		t.Fatalf("%d events, %d messages checked", events, messages)
	}
	t.Logf("%d users, %d events, %d messages conform to the CSDL", len(vals), events, messages)
	// The checker itself catches departures.
	for _, bad := range []map[string]any{
		{"subjectLine": "x"}, {"showAs": "away"}, {"isAllDay": "yes"}, {"start": map[string]any{"dateTime": 1}},
		{"attendees": []any{map[string]any{"type": "chair"}}}, {"createdDateTime": "yesterday"},
	} {
		if len(c.conform("graph.event", bad, "event")) == 0 {
			t.Errorf("conform accepts %v", bad)
		}
	}
}

// TestServer_samplesShape checks that the fake serves every structural
// property the Graph Data Connect sample records (real tenant exports)
// carry, for users, mailbox settings, events and messages.
func TestServer_samplesShape(t *testing.T) {
	c := loadCSDL(t)
	org := newOrg(t)
	u := org.People()[1]
	var entry synthetic.CalendarEntry
	for _, e := range org.Calendar(u.Email) {
		if e.SeriesID != "" {
			entry = e // the sample event is an occurrence
			break
		}
	}
	mail := org.Mailbox(u.Email)[0]
	for _, tc := range []struct {
		sample, typ string
		fake        map[string]any
	}{
		{"BasicDataSet_v0.CalendarView_v0.json", "event", graphtest.EventJSON(entry, u.Email, time.UTC, "UTC")},
		{"BasicDataSet_v0.SentItem_v1.json", "message", graphtest.MessageJSON(mail, u.Email, "sentitems")},
		{"BasicDataSet_v0.MailboxSettings_v0.json", "mailboxSettings", graphtest.MailboxSettingsJSON(u)},
	} {
		f, err := os.Open(filepath.Join(shared, "msgraph-dataconnect-samples", tc.sample))
		if err != nil {
			t.Fatal(err)
		}
		var rec map[string]any
		err = json.NewDecoder(f).Decode(&rec)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.sample, err)
		}
		for k := range rec {
			pt, nav := c.property(tc.typ, k)
			if pt == "" || nav {
				continue // Graph Data Connect columns (puser, datarow…) and navigations
			}
			if _, ok := tc.fake[k]; !ok {
				t.Errorf("%s: the fake's %s lacks %q, which real records carry", tc.sample, tc.typ, k)
			}
		}
	}
	// Users: the properties a /users list returns by default.
	fake := graphtest.UserJSON(u)
	for _, k := range []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"} {
		if _, ok := fake[k]; !ok {
			t.Errorf("user lacks default property %q", k)
		}
	}
}

func TestServer_privacy(t *testing.T) {
	org := newOrg(t)
	var mu sync.Mutex
	var got []string
	srv := graphtest.NewServer(t, org, graphtest.Options{OnViolation: func(m string) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}})
	id := graphtest.ObjectID(org.People()[0].Email)
	start, end := org.Window()
	win := "startDateTime=" + start.Format(time.RFC3339) + "&endDateTime=" + end.Format(time.RFC3339)
	for _, c := range []struct {
		path       string
		violations int
	}{
		{"/users/" + id + "/calendarView?" + win + "&$select=start,end,showAs", 0},
		{"/users/" + id + "/calendarView?" + win + "&$select=start,subject", 1},
		{"/users/" + id + "/calendarView?" + win, 1},
		{"/users/" + id + "/mailFolders/sentitems/messages?$select=from,bodyPreview", 1},
		{"/users/" + id + "/mailFolders/sentitems/messages?$select=from,body,uniqueBody", 2},
		{"/users/" + id + "/mailFolders/inbox/messages?$select=from,sentDateTime", 0},
	} {
		mu.Lock()
		got = nil
		mu.Unlock()
		code, _, body := get(t, srv.BaseURL()+c.path)
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if code != 200 || n != c.violations {
			t.Errorf("GET %s: %d, %d violations %q, want 200 and %d", c.path, code, n, got, c.violations)
		}
		// A $select without content returns no content.
		if c.violations == 0 {
			if s := jsonString(body); strings.Contains(s, "CANARY") {
				t.Errorf("GET %s: content served without being selected: %.200s", c.path, s)
			}
		}
	}
	// Unselected, the canaries are there: the fake would catch a leak.
	_, _, body := get(t, srv.BaseURL()+"/users/"+id+"/calendarView?"+win)
	if !strings.Contains(jsonString(body), "CANARY-SUBJECT-") {
		t.Error("unselected events carry no canary subject")
	}
}

func TestServer_paging(t *testing.T) {
	org := newOrg(t)
	srv := graphtest.NewServer(t, org, graphtest.Options{MaxPage: 5})
	seen := map[string]bool{}
	pages := 0
	for url := srv.BaseURL() + "/users?$select=id,mail&$top=999"; url != ""; pages++ {
		code, _, page := get(t, url)
		if code != 200 {
			t.Fatalf("GET %s: %d", url, code)
		}
		for _, u := range page["value"].([]any) {
			id := u.(map[string]any)["id"].(string)
			if seen[id] {
				t.Errorf("user %s twice", id)
			}
			seen[id] = true
			if len(u.(map[string]any)) != 2 {
				t.Errorf("$select=id,mail gave %v", u)
			}
		}
		url, _ = page["@odata.nextLink"].(string)
		if url != "" && !strings.HasPrefix(url, srv.URL+"/v1.0/users?") {
			t.Fatalf("nextLink %q is not absolute", url)
		}
	}
	if len(seen) != len(org.People()) || pages != 3 {
		t.Errorf("%d users in %d pages, want %d in 3", len(seen), pages, len(org.People()))
	}

	// Prefer: odata.maxpagesize and outlook.timezone are applied.
	id := graphtest.ObjectID(org.People()[0].Email)
	start, end := org.Window()
	url := srv.BaseURL() + "/users/" + id + "/calendarView?startDateTime=" + start.Format(time.RFC3339) +
		"&endDateTime=" + end.Format(time.RFC3339) + "&$select=start,end"
	_, h, page := get(t, url, `outlook.timezone="Europe/Berlin"`, "odata.maxpagesize=3")
	if pa := h.Get("Preference-Applied"); !strings.Contains(pa, "odata.maxpagesize=3") || !strings.Contains(pa, "Europe/Berlin") {
		t.Errorf("Preference-Applied %q", pa)
	}
	vals := page["value"].([]any)
	if len(vals) != 3 {
		t.Errorf("%d events on a page of 3", len(vals))
	}
	if tz := vals[0].(map[string]any)["start"].(map[string]any)["timeZone"]; tz != "Europe/Berlin" {
		t.Errorf("start time zone %v, want Europe/Berlin", tz)
	}
	// A calendarView needs its window.
	if code, _, _ := get(t, srv.BaseURL()+"/users/"+id+"/calendarView?$select=start"); code != 400 {
		t.Errorf("calendarView without a window: %d, want 400", code)
	}
	if code, _, _ := get(t, srv.BaseURL()+"/users/nobody@nowhere.test/mailboxSettings"); code != 404 {
		t.Errorf("unknown user: %d, want 404", code)
	}
}

func TestServer_faults(t *testing.T) {
	org := newOrg(t)
	srv := graphtest.NewServer(t, org, graphtest.Options{FaultRate: 1})
	codes := map[int]int{}
	for range 30 {
		code, h, body := get(t, srv.BaseURL()+"/users?$select=id")
		codes[code]++
		if h.Get("Retry-After") != "0" || body["error"] == nil {
			t.Errorf("fault %d: Retry-After %q, body %v", code, h.Get("Retry-After"), body)
		}
	}
	if codes[429] == 0 || codes[503] == 0 || codes[504] == 0 || len(codes) != 3 {
		t.Errorf("fault codes %v, want 429, 503 and 504", codes)
	}
	if n, f := srv.Stats(); n != 30 || f != 30 {
		t.Errorf("stats %d requests, %d faults", n, f)
	}
	srv2 := graphtest.NewServer(t, org, graphtest.Options{})
	srv2.FailUser(org.People()[2].Email, true)
	if code, _, _ := get(t, srv2.BaseURL()+"/users/"+org.People()[2].Email+"/mailboxSettings"); code != 403 {
		t.Errorf("failing user: %d, want 403", code)
	}
}
