package msgraph

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// pageCase is a calendarView or messages page.
type pageCase struct {
	events bool // a calendarView page, else messages
	doc    []byte
}

// pageCases are the pages page.go must read as the SDK's models did: the
// fake's calendarView and messages answers, every event and message record
// of the Graph Data Connect samples (real tenant exports) as a page of
// one, and pages with the edge cases of the few properties read.
func pageCases(t testing.TB) map[string]pageCase {
	t.Helper()
	cases := map[string]pageCase{}
	all := parseCases(t)
	cases["fake calendarView"] = pageCase{true, all["fake calendarView"]}
	cases["fake messages"] = pageCase{false, all["fake messages"]}
	kinds := map[string]bool{ // sample file → events
		"BasicDataSet_v0.CalendarView_v0.json": true, "BasicDataSet_v0.ConferenceRoomCalendar_v0.json": true,
		"BasicDataSet_v0.Event_v0.json": true, "BasicDataSet_v0.Event_v1.json": true,
		"BasicDataSet_v0.Inbox_v1.json": false, "BasicDataSet_v0.Message_v0.json": false, "BasicDataSet_v0.Message_v1.json": false,
		"BasicDataSet_v0.SentItem_v0.json": false, "BasicDataSet_v0.SentItem_v1.json": false,
	}
	n := 0
	for name, doc := range all {
		file, _, _ := strings.Cut(name, ":")
		events, ok := kinds[file]
		if !ok {
			continue
		}
		// Only what the connector's $select asks for: the exports carry
		// every property, and the SDK's models fail a whole page on some
		// it is never sent (recurrence.range dates as date-times).
		sel := messageSelect
		if events {
			sel = eventSelect
		}
		var rec map[string]any
		if json.Unmarshal(doc, &rec) != nil {
			continue // a line of a record spread over several
		}
		for k := range rec {
			if k != "id" && !slices.Contains(sel, k) {
				delete(rec, k)
			}
		}
		b, err := json.Marshal(map[string]any{"value": []any{rec}})
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = pageCase{events, b}
		n++
	}
	if n < 50 {
		t.Fatalf("%d event and message records in the samples, want ≥ 50", n)
	}
	ev := func(members string) []byte {
		return []byte(`{"value":[{"id":"e1","iCalUId":"u1","start":{"dateTime":"2026-11-16T09:00:00.0000000","timeZone":"UTC"},` +
			`"end":{"dateTime":"2026-11-16T10:00:00.0000000","timeZone":"UTC"}` + members + `}]}`)
	}
	msg := func(members string) []byte {
		return []byte(`{"value":[{"internetMessageId":"<m1@x>","sentDateTime":"2026-11-16T09:00:00Z"` + members + `}]}`)
	}
	for name, doc := range map[string][]byte{
		"event minimal": ev(``),
		"event organizer and attendees": ev(`,"organizer":{"emailAddress":{"name":"A","address":"A@Example.com"}},"attendees":[` +
			`{"type":"required","status":{"response":"accepted","time":"0001-01-01T00:00:00Z"},"emailAddress":{"address":"b@example.com"}},` +
			`{"type":"resource","status":{"response":"tentativelyAccepted"},"emailAddress":{"address":"room@example.com"}},` +
			`{"type":"optional","status":{"response":"declined"},"emailAddress":{"address":"c@example.com"}},` +
			`{"type":"optional","status":{"response":"notResponded"},"emailAddress":{"address":"d@example.com"}},` +
			`null,{"type":"required"},{"emailAddress":null},{"emailAddress":{"address":""}},{"emailAddress":{"address":"e@example.com"},"status":null}]`),
		"event attendees escaped names": ev(`,"attendees":[{"typ\u0065":"resource","st\u0061tus":{"r\u0065sponse":"declined"},"emailAddress":{"addr\u0065ss":"f\u0040example.com","n\u0061me":"F"}},` +
			`{"type":"required","status":{"response":"decl\u0069ned"},"emailAddress":{"address":"g@example.com"}}]`),
		"event attendees unknown members": ev(`,"attendees":[{"extra":{"a":[1,{"b":null}]},"emailAddress":{"name":null,"address":"h@example.com","extra":[{}]},` +
			`"status":{"time":"0001-01-01T00:00:00Z","response":"accepted","x":{"y":1}},"proposedNewTime":null,"Type":"resource"},` +
			`{"emailAddress":{"Address":"i@example.com"}},{"type":null,"status":{"response":null},"emailAddress":{"address":"j@example.com"}},` +
			`{"status":{"response":"Accepted"},"emailAddress":{"address":"k@example.com"}},{"type":"Resource","emailAddress":{"address":"l@example.com"}}]`),
		"event attendees duplicate names":  ev(`,"attendees":[{"type":"required","emailAddress":{"address":"m@example.com"},"type":"resource"}]`),
		"event attendee status as string":  ev(`,"attendees":[{"status":"accepted","emailAddress":{"address":"n@example.com"}}]`),
		"event attendee as string":         ev(`,"attendees":["o@example.com"]`),
		"event attendee address as number": ev(`,"attendees":[{"emailAddress":{"address":7}}]`),
		"event all-day in a zone":          []byte(`{"value":[{"isAllDay":true,"start":{"dateTime":"2026-11-16T00:00:00.0000000","timeZone":"Eastern Standard Time"},"end":{"dateTime":"2026-11-17T00:00:00.0000000","timeZone":"America/New_York"}}]}`),
		"event flags":                      ev(`,"isCancelled":true,"isOnlineMeeting":true,"showAs":"oof","seriesMasterId":"s1","responseStatus":{"response":"organizer"}`),
		"event nulls":                      ev(`,"isAllDay":null,"isCancelled":null,"showAs":null,"seriesMasterId":null,"organizer":null,"attendees":null,"responseStatus":null,"createdDateTime":null,"originalStart":null`),
		"event showAs workingElsewhere":    ev(`,"showAs":"workingElsewhere"`),
		"event showAs unknown to SDK":      ev(`,"showAs":"busyish"`),
		"event times":                      ev(`,"originalStart":"2026-11-16T08:00:00Z","createdDateTime":"2026-10-01T12:34:56.1234567Z"`),
		"event time without offset":        ev(`,"createdDateTime":"2026-10-01T12:34:56"`),
		"event bad created":                ev(`,"createdDateTime":"yesterday"`),
		"event bad start":                  []byte(`{"value":[{"start":{"dateTime":"soon","timeZone":"UTC"},"end":{"dateTime":"2026-11-16T10:00:00.0000000","timeZone":"UTC"}}]}`),
		"event no end":                     []byte(`{"value":[{"start":{"dateTime":"2026-11-16T09:00:00.0000000","timeZone":"UTC"}}]}`),
		"event unknown members":            ev(`,"subjectish":"x","extra":{"a":[1,2,{"b":null}]},"ICalUId":"other"`),
		"event duplicate names":            ev(`,"showAs":"busy","showAs":"free","iCalUId":"u2"`),
		"event bad UTF-8":                  ev(",\"organizer\":{\"emailAddress\":{\"address\":\"a\xffb@example.com\"}}"),
		"event bool as string":             ev(`,"isAllDay":"true"`),
		"event string as number":           ev(`,"iCalUId":7`),
		"event attendees as object":        ev(`,"attendees":{}`),
		"empty page":                       []byte(`{"value":[]}`),
		"page without value":               []byte(`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/x?$skip=1"}`),
		"page with next link":              []byte(`{"@odata.nextLink":"https://graph.microsoft.com/v1.0/x?$skip=1","value":[]}`),
		"page null":                        []byte(`null`),
		"page value null":                  []byte(`{"value":null}`),
		"page truncated":                   []byte(`{"value":[{"id":"e1"`),
	} {
		cases[name] = pageCase{true, doc}
	}
	for name, doc := range map[string][]byte{
		"message minimal":           msg(`,"from":{"emailAddress":{"address":"a@example.com"}}`),
		"message sender only":       msg(`,"sender":{"emailAddress":{"address":"a@example.com"}},"from":null`),
		"message no sender":         msg(``),
		"message no id":             []byte(`{"value":[{"sentDateTime":"2026-11-16T09:00:00Z","from":{"emailAddress":{"address":"a@example.com"}}}]}`),
		"message no sent time":      []byte(`{"value":[{"internetMessageId":"<m1@x>","from":{"emailAddress":{"address":"a@example.com"}}}]}`),
		"message bad sent time":     []byte(`{"value":[{"internetMessageId":"<m1@x>","sentDateTime":"today","from":{"emailAddress":{"address":"a@example.com"}}}]}`),
		"message sent time no zone": []byte(`{"value":[{"internetMessageId":"<m1@x>","sentDateTime":"2026-11-16T09:00:00","from":{"emailAddress":{"address":"a@example.com"}}}]}`),
		"message recipients": msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"toRecipients":[{"emailAddress":{"address":"b@example.com"}},null,{"emailAddress":null},{"emailAddress":{"address":""}}],` +
			`"ccRecipients":[{"emailAddress":{"name":"C","address":"C@Example.com"}}],"bccRecipients":null`),
		"message headers": msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"internetMessageHeaders":[{"name":"In-Reply-To","value":"<p@x>"},` +
			`{"name":"AUTO-SUBMITTED","value":"auto-replied"},null,{"name":"Precedence","value":"bulk"},{"name":"Subject","value":"secret"},{"value":"x"}]`),
		"message from wrong type": msg(`,"from":"a@example.com"`),
		"message recipients read token by token": msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"toRecipients":[{"x":{"y":[1]},"emailAddr\u0065ss":{"name":null,"addr\u0065ss":"B@example.com","z":2}},` +
			`{"emailAddress":{"address":null}},{"EmailAddress":{"address":"c@example.com"}},{"emailAddress":{"Address":"d@example.com"}},{}],"ccRecipients":[],"bccRecipients":[null,{"emailAddress":{"address":"e\u0040example.com"}}]`),
		"message headers read token by token": msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"internetMessageHeaders":[` +
			`{"value":"<first@x>","name":"IN-REPLY-TO"},{"name":"In-Reply-To","value":"<second@x>"},{"name":"Precedence"},{"name":"precedenc\u0065","value":"list","x":[{}]},` +
			`{"name":"Auto-Submitted","value":null},{"name":"auto-submitted","value":"auto-generated"},{"name":"\u0130n-Reply-To","value":"<dotted@x>"},` +
			`{"name":"Auto-Submitted-Extra","value":"no"},{"name":"X-Long-Header-Name-Past-Thirty-Two-Bytes-Long","value":"v"},{"value":"orphan"},{},{"value":"auto-replied","name":"AUTO-SUBMITTED"}]`),
		"message headers value only after a matched name": msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"internetMessageHeaders":[{"name":"Precedence","value":"bulk"},{"name":"Precedence","value":"\u0062ulk"}]`),
		"message recipient as string":                     msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"toRecipients":["b@example.com"]`),
		"message header name as number":                   msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"internetMessageHeaders":[{"name":7,"value":"x"}]`),
		"message headers as object":                       msg(`,"from":{"emailAddress":{"address":"a@example.com"}},"internetMessageHeaders":{"name":"Precedence","value":"bulk"}}`),
	} {
		cases[name] = pageCase{false, doc}
	}
	return cases
}

// TestPages_matchSDK reads every page both ways: into the SDK's models
// with the mapping the connector had then (sdkref_test.go), and with
// page.go. The entries must be the same, and where the SDK's reading
// fails (the page, or an item's mapping), page.go's must fail too.
func TestPages_matchSDK(t *testing.T) {
	registerSerializers()
	stricter := map[string]bool{"message from wrong type": true, "event duplicate names": true, "event bad UTF-8": true,
		"event attendee status as string": true, "event attendee as string": true, "event attendees duplicate names": true,
		"message recipient as string": true}
	checked := 0
	for name, c := range pageCases(t) {
		wantLink, want, werr, gotLink, got, gerr := readBoth(c.events, c.doc)
		if stricter[name] {
			// The SDK's models read a string where an object belongs as
			// an empty object, the last of duplicate names and bad UTF-8
			// as U+FFFD; page.go fails the page.
			if gerr == nil || werr != nil {
				t.Errorf("%s: error %v, want one; the SDK's %v, %v", name, gerr, werr, want)
			}
			continue
		}
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: error %v, the SDK's %v", name, gerr, werr)
			continue
		}
		if werr != nil {
			continue
		}
		if gotLink != wantLink || !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s:\n got %s %s\nwant %s %s", name, gotLink, g, wantLink, w)
		}
		checked += len(want)
	}
	if checked < 100 {
		t.Errorf("%d items compared, want ≥ 100", checked)
	}
	t.Logf("%d items compared", checked)
}

// readBoth reads doc as a page of c's kind through the SDK's models and
// through page.go.
func readBoth(events bool, doc []byte) (wantLink string, want []any, werr error, gotLink string, got []any, gerr error) {
	u := ingest.User{Email: "owner@example.com", Person: dataset.Person{PersonID: "p1", TimeZone: "Europe/Berlin"}}
	if events {
		wantLink, want, werr = sdkPage(doc, models.CreateEventCollectionResponseFromDiscriminatorValue, func(v any) (any, error) {
			return sdkCalendarEntry(v.(models.Eventable), u)
		})
		gotLink, got, gerr = directPage(doc, func(e *graphEvent) (any, error) { return calendarEntry(e, u) })
		return
	}
	wantLink, want, werr = sdkPage(doc, models.CreateMessageCollectionResponseFromDiscriminatorValue, func(v any) (any, error) {
		me, ok := sdkMailEntry(v.(models.Messageable))
		return []any{me, ok}, nil
	})
	gotLink, got, gerr = directPage(doc, func(m *graphMessage) (any, error) {
		me, ok, err := mailEntry(m)
		return []any{me, ok}, err
	})
	return
}

// FuzzPages reads any input both ways as a calendarView and as a messages
// page: no panic, and where both read it, the same entries.
func FuzzPages(f *testing.F) {
	registerSerializers()
	for _, c := range pageCases(f) {
		if len(c.doc) < 4096 {
			f.Add(c.doc)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		for _, events := range []bool{true, false} {
			wl, want, werr, gl, got, gerr := readBoth(events, doc)
			if werr == nil && gerr == nil && (gl != wl || !reflect.DeepEqual(got, want)) {
				t.Fatalf("%q (events %v): page.go read %s %v, the SDK %s %v", doc, events, gl, got, wl, want)
			}
		}
	})
}

// sdkPage reads doc into the SDK's collection model and maps each item
// with entry, stopping at the first error.
func sdkPage(doc []byte, ctor serialization.ParsableFactory, entry func(any) (any, error)) (string, []any, error) {
	n, err := parseJSON(doc)
	if err != nil {
		return "", nil, err
	}
	v, err := n.GetObjectValue(ctor)
	if err != nil || v == nil {
		return "", nil, err
	}
	var link string
	var items []any
	switch p := v.(type) {
	case models.EventCollectionResponseable:
		link = deref(p.GetOdataNextLink())
		for _, e := range p.GetValue() {
			items = append(items, e)
		}
	case models.MessageCollectionResponseable:
		link = deref(p.GetOdataNextLink())
		for _, m := range p.GetValue() {
			items = append(items, m)
		}
	default:
		return "", nil, fmt.Errorf("%T", v)
	}
	var out []any
	for _, it := range items {
		e, err := entry(it)
		if err != nil {
			return "", nil, err
		}
		out = append(out, e)
	}
	return link, out, nil
}

// directPage reads doc as eachPage does and maps each item with entry.
func directPage[T any](doc []byte, entry func(*T) (any, error)) (string, []any, error) {
	p, err := decodePage[T](doc)
	if err != nil {
		return "", nil, err
	}
	var out []any
	for i := range p.Value {
		e, err := entry(&p.Value[i].v)
		if err != nil {
			return "", nil, err
		}
		out = append(out, e)
	}
	return p.NextLink, out, nil
}

// A page that fails says where and how, without the values it holds.
func TestPages_errors(t *testing.T) {
	wantPageErrors[graphMessage](t, map[string]string{
		`{"value":[{"internetMessageId":"<m@x>","from":"secret@example.com"}]}`:                `unexpected JSON string at "/value/0/from"`,
		`{"value":[{"internetMessageId":"<m@x>","internetMessageId":"<n@x>"}]}`:                `invalid JSON at byte 39 (duplicate object member name)`,
		"{\"value\":[{\"from\":{\"emailAddress\":{\"address\":\"secr\xffet@example.com\"}}}]}": `invalid JSON at byte`,
		`{"value":[{"from":{"emailAddress":{"address":"secret@example.com"`:                    `invalid JSON at byte`,
		// Recipients and headers are read token by token: the same errors.
		`{"value":[{"toRecipients":[{"emailAddress":{"address":"secret@example.com"}},"secret@example.com"]}]}`: `unexpected JSON string at "/value/0/toRecipients/1"`,
		`{"value":[{"ccRecipients":[{"emailAddress":"secret@example.com"}]}]}`:                                  `unexpected JSON string at "/value/0/ccRecipients/0/emailAddress"`,
		`{"value":[{"internetMessageHeaders":[{"name":"In-Reply-To","value":{"secret":1}}]}]}`:                  `unexpected JSON object at "/value/0/internetMessageHeaders/0/value"`,
		`{"value":[{"internetMessageHeaders":{"name":"Subject","value":"secret"}}]}`:                            `unexpected JSON object at "/value/0/internetMessageHeaders"`,
		`{"value":[{"internetMessageHeaders":[{"name":"Subject","name":"secret"}]}]}`:                           `duplicate object member name`,
	})
	// Attendees are read token by token (graphAttendees): the same errors.
	wantPageErrors[graphEvent](t, map[string]string{
		`{"value":[{"attendees":[{"emailAddress":{"address":"secret@example.com"},"status":"accepted"}]}]}`:                 `unexpected JSON string at "/value/0/attendees/0/status"`,
		`{"value":[{"attendees":[{"emailAddress":{"address":"secret@example.com"}},"secret@example.com"]}]}`:                `unexpected JSON string at "/value/0/attendees/1"`,
		`{"value":[{"attendees":["secret@example.com"]}]}`:                                                                  `unexpected JSON string at "/value/0/attendees/0"`,
		`{"value":[{"attendees":{"emailAddress":{"address":"secret@example.com"}}}]}`:                                       `unexpected JSON object at "/value/0/attendees"`,
		`{"value":[{"attendees":[{"emailAddress":{"address":true}}]}]}`:                                                     `unexpected JSON true at "/value/0/attendees/0/emailAddress/address"`,
		`{"value":[{"attendees":[{"type":"required","emailAddress":{"address":"secret@example.com"},"type":"resource"}]}]}`: `duplicate object member name`,
		"{\"value\":[{\"attendees\":[{\"emailAddress\":{\"address\":\"secr\xffet@example.com\"}}]}]}":                       `invalid JSON at byte`,
		`{"value":[{"attendees":[{"emailAddress":{"address":"secret@example.com"`:                                           `invalid JSON at byte`,
	})
}

// wantPageErrors decodes each document as a page of T and wants an error
// that holds its text and not the address ("secr...") in the document.
func wantPageErrors[T any](t *testing.T, docs map[string]string) {
	t.Helper()
	for doc, want := range docs {
		_, err := decodePage[T]([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "secr") {
			t.Errorf("%q: error %v, want one with %q and no address", doc, err, want)
		}
	}
}

// BenchmarkDecodePage_allHands decodes and maps a week's calendarView page
// of a 3,200-person organisation as the fake serves it: 86 meetings of 5
// and a monthly all-hands with everyone invited, whose attendee list is
// 86% of the page's bytes (and is in every invitee's calendar).
func BenchmarkDecodePage_allHands(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('u')/calendarView","value":[`)
	event := func(i, n int) {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"@odata.etag":"W/\"%08x\"","id":"AAMkE%08x","iCalUId":"040000008200E00074C5B7101A82E008%08x",`+
			`"start":{"dateTime":"2026-05-12T09:00:00.0000000","timeZone":"UTC"},"end":{"dateTime":"2026-05-12T10:00:00.0000000","timeZone":"UTC"},`+
			`"isAllDay":false,"isCancelled":false,"showAs":"busy","type":"singleInstance","seriesMasterId":null,`+
			`"organizer":{"emailAddress":{"name":"Person 0","address":"person.0@example.com"}},"attendees":[`, i, i, i)
		for a := range n {
			if a > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"type":"required","status":{"response":"accepted","time":"0001-01-01T00:00:00Z"},`+
				`"emailAddress":{"name":"Person %d","address":"person.%d@example.com"}}`, a, a)
		}
		sb.WriteString(`],"responseStatus":{"response":"accepted","time":"0001-01-01T00:00:00Z"},"isOnlineMeeting":true,"createdDateTime":"2026-04-01T12:00:00Z"}`)
	}
	for i := range 86 {
		event(i, 5)
	}
	event(86, 3200)
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	ps, err := ingest.NewPseudonymizer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		b.Fatal(err)
	}
	u := ingest.User{Email: "person.1@example.com"}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		p, err := decodePage[graphEvent](body)
		if err != nil {
			b.Fatal(err)
		}
		for i := range p.Value {
			ce, err := calendarEntry(&p.Value[i].v, u)
			if err != nil {
				b.Fatal(err)
			}
			ev, err := synthetic.EventFromEntry(ps, ce, time.UTC)
			if err != nil {
				b.Fatal(err)
			}
			_ = synthetic.AttendanceFromEntry(ps, u.Email, ce, ev.EventID)
		}
	}
}

// BenchmarkDecodePage_messages decodes and maps an inbox page as the fake
// serves it: 100 messages with three recipients and seven headers each.
func BenchmarkDecodePage_messages(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users('u')/mailFolders('inbox')/messages","value":[`)
	rcpt := func(i int) string {
		return fmt.Sprintf(`{"emailAddress":{"name":"Person %d","address":"person.%d@example.com"}}`, i, i)
	}
	for i := range 100 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"@odata.etag":"W/\"%08x\"","id":"AAMkAG%08x","sentDateTime":"2026-05-12T09:%02d:00Z","receivedDateTime":"2026-05-12T09:%02d:01Z",`+
			`"internetMessageId":"<%08x.%d@mail.example.com>","conversationId":"AAQkAG%08x","from":%s,"sender":%s,"toRecipients":[%s,%s],"ccRecipients":[%s],"bccRecipients":[],`+
			`"internetMessageHeaders":[{"name":"Message-ID","value":"<%08x.%d@mail.example.com>"},{"name":"From","value":"Person %d <person.%d@example.com>"},`+
			`{"name":"Date","value":"Tue, 12 May 2026 09:%02d:00 +0000"},{"name":"Subject","value":"CANARY-SUBJECT Notes from today"},{"name":"MIME-Version","value":"1.0"},`+
			`{"name":"Content-Type","value":"multipart/alternative"},{"name":"In-Reply-To","value":"<%08x.%d@mail.example.com>"}]}`,
			i, i, i%60, i%60, i, i, i, rcpt(i), rcpt(i), rcpt(i+1), rcpt(i+2), rcpt(i+3), i, i, i, i, i%60, i+1, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		p, err := decodePage[graphMessage](body)
		if err != nil {
			b.Fatal(err)
		}
		for i := range p.Value {
			if _, ok, err := mailEntry(&p.Value[i].v); err != nil || !ok {
				b.Fatal(err, ok)
			}
		}
	}
}
