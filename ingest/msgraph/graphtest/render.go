package graphtest

import (
	"bytes"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// writeEvent and writeMessage are the fake's only definition of an event's
// and a message's JSON. calendarView and messages pages are written
// straight to a jsontext.Encoder, member by member, the members $select
// leaves out skipped, with no map built per item: on a small machine the
// fake shares the cores with the client it serves, and building,
// projecting and marshalling maps cost it most of its CPU. EventJSON and
// MessageJSON run the same writers with every property selected and
// decode what they write; TestRender_projection holds a page served with
// a $select to the full rendering projected on it.

// render runs write with every property selected (w.sel nil) and decodes
// the JSON value it writes into a map (numbers as float64). It panics if
// write fails or writes anything but one object with distinct names.
func render(write func(w *jsonWriter)) map[string]any {
	var buf bytes.Buffer
	w := jsonWriter{enc: jsontext.NewEncoder(&buf)}
	write(&w)
	var m map[string]any
	err := w.err
	if err == nil {
		err = jsonv2.Unmarshal(buf.Bytes(), &m)
	}
	if err != nil {
		panic("graphtest: " + err.Error())
	}
	return m
}

// A bodyWriter writes a 200 answer's body itself (see Server.api).
type bodyWriter func(w *jsonWriter)

// A jsonWriter writes JSON tokens to an encoder and keeps the first
// error. Inside an item, sel is the $select set the item is projected on
// (nil: every property).
type jsonWriter struct {
	enc     *jsontext.Encoder
	sel     map[string]bool
	err     error
	scratch []byte
}

func (w *jsonWriter) token(t jsontext.Token) {
	if err := w.enc.WriteToken(t); err != nil && w.err == nil {
		w.err = err
	}
}

// value writes the JSON value v (a buffer from enc.AvailableBuffer).
func (w *jsonWriter) value(v []byte) {
	if err := w.enc.WriteValue(v); err != nil && w.err == nil {
		w.err = err
	}
}

func (w *jsonWriter) beginObject()       { w.token(jsontext.BeginObject) }
func (w *jsonWriter) endObject()         { w.token(jsontext.EndObject) }
func (w *jsonWriter) beginArray()        { w.token(jsontext.BeginArray) }
func (w *jsonWriter) endArray()          { w.token(jsontext.EndArray) }
func (w *jsonWriter) emptyArray()        { w.beginArray(); w.endArray() }
func (w *jsonWriter) null()              { w.token(jsontext.Null) }
func (w *jsonWriter) boolean(b bool)     { w.token(jsontext.Bool(b)) }
func (w *jsonWriter) int(n int)          { w.token(jsontext.Int(int64(n))) }
func (w *jsonWriter) str(s string)       { w.token(jsontext.String(s)) }
func (w *jsonWriter) name(n string)      { w.token(jsontext.String(n)) }
func (w *jsonWriter) member(n, v string) { w.name(n); w.str(v) }

// concat writes the string value made of parts, without allocating it.
func (w *jsonWriter) concat(parts ...string) {
	w.scratch = w.scratch[:0]
	for _, p := range parts {
		w.scratch = append(w.scratch, p...)
	}
	b, err := jsontext.AppendQuote(w.enc.AvailableBuffer(), w.scratch)
	if err != nil && w.err == nil {
		w.err = err
	}
	w.value(b)
}

// time writes t formatted with layout (which must need no escaping) as a
// string value.
func (w *jsonWriter) time(t time.Time, layout string) {
	b := append(w.enc.AvailableBuffer(), '"')
	b = t.AppendFormat(b, layout)
	w.value(append(b, '"'))
}

// prop reports whether the item's property name is selected and, if so,
// writes its name: the value must follow. Ids and @odata annotations are
// written unconditionally, as Graph returns them whatever $select says.
func (w *jsonWriter) prop(name string) bool {
	if w.sel != nil && !w.sel[name] {
		return false
	}
	w.name(name)
	return true
}

// collectionWriter writes a Graph collection response body, as
// collection(context, items, next) returns it, the items being written by
// items with w.sel set to sel.
func (s *Server) collectionWriter(context, next string, sel map[string]bool, items func(w *jsonWriter)) bodyWriter {
	return func(w *jsonWriter) {
		w.beginObject()
		w.name("@odata.context")
		w.concat(s.URL, "/v1.0/$metadata#", context)
		w.name("value")
		w.beginArray()
		w.sel = sel
		items(w)
		w.sel = nil
		w.endArray()
		if next != "" {
			w.member("@odata.nextLink", next)
		}
		w.endObject()
	}
}

// writeEvent writes the calendar entry e of the mailbox owner as Graph's
// event resource, times in zone (loc), with the properties w.sel selects
// besides @odata.etag and id.
func writeEvent(w *jsonWriter, e synthetic.CalendarEntry, owner string, loc *time.Location, zone string) {
	id := itemID("EV", e.ID, owner)
	isOrg := strings.EqualFold(owner, e.Organizer)
	created := e.Created
	if created.IsZero() {
		created = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	}
	w.beginItem(id, created)
	if w.prop("transactionId") {
		w.null()
	}
	if w.prop("originalStartTimeZone") {
		w.str(e.TimeZone)
	}
	if w.prop("originalEndTimeZone") {
		w.str(e.TimeZone)
	}
	if w.prop("iCalUId") {
		w.str(e.ICalUID)
	}
	if w.prop("reminderMinutesBeforeStart") {
		w.int(15)
	}
	if w.prop("isReminderOn") {
		w.boolean(true)
	}
	if w.prop("hasAttachments") {
		w.boolean(false)
	}
	if w.prop("subject") {
		w.str(e.Summary)
	}
	if w.prop("bodyPreview") {
		w.str(e.Description)
	}
	if w.prop("importance") {
		w.str("normal")
	}
	if w.prop("sensitivity") {
		w.str("normal")
	}
	if w.prop("isAllDay") {
		w.boolean(e.AllDay)
	}
	if w.prop("isCancelled") {
		w.boolean(e.Status == "cancelled")
	}
	if w.prop("isOrganizer") {
		w.boolean(isOrg)
	}
	if w.prop("responseRequested") {
		w.boolean(true)
	}
	if w.prop("seriesMasterId") {
		if e.SeriesID != "" {
			w.str(itemID("SM", e.SeriesID, owner))
		} else {
			w.null()
		}
	}
	if w.prop("showAs") {
		w.str(e.ShowAs)
	}
	if w.prop("type") {
		typ := "singleInstance"
		if e.SeriesID != "" {
			typ = "occurrence"
			if !e.OriginalStart.IsZero() && !e.Start.IsZero() && !e.OriginalStart.Equal(e.Start) {
				typ = "exception"
			}
		}
		w.str(typ)
	}
	if w.prop("webLink") {
		w.concat("https://outlook.office365.com/owa/?itemid=", id, "&exvsurl=1&path=/calendar/item")
	}
	if w.prop("onlineMeetingUrl") {
		w.null()
	}
	if w.prop("isOnlineMeeting") {
		w.boolean(e.Online)
	}
	if w.prop("onlineMeetingProvider") {
		if e.Online {
			w.str("teamsForBusiness")
		} else {
			w.str("unknown")
		}
	}
	if w.prop("allowNewTimeProposals") {
		w.boolean(true)
	}
	if w.prop("isDraft") {
		w.boolean(false)
	}
	if w.prop("hideAttendees") {
		w.boolean(false)
	}
	if w.prop("recurrence") {
		w.null()
	}
	if w.prop("onlineMeeting") {
		if e.Online {
			w.beginObject()
			w.name("joinUrl")
			w.concat("https://teams.microsoft.com/l/meetup-join/", id[len(id)-16:])
			w.endObject()
		} else {
			w.null()
		}
	}
	if w.prop("responseStatus") {
		resp := graphResponse(e.SelfResponse)
		if isOrg {
			resp = "organizer"
		}
		w.writeResponse(resp)
	}
	if w.prop("body") {
		w.beginObject()
		w.member("contentType", "html")
		w.name("content")
		w.concat("<html><body>", e.Description, "</body></html>")
		w.endObject()
	}
	for _, se := range [2]struct {
		name string
		t    time.Time
		date string
	}{{"start", e.Start, e.StartDate}, {"end", e.End, e.EndDate}} {
		if !w.prop(se.name) {
			continue
		}
		w.beginObject()
		w.name("dateTime")
		if e.AllDay {
			// Floating dates: midnight in the response's zone.
			w.concat(se.date, "T00:00:00.0000000")
		} else {
			w.time(se.t.In(loc), graphTime)
		}
		w.member("timeZone", zone)
		w.endObject()
	}
	if w.prop("location") {
		w.beginObject()
		w.member("displayName", "")
		w.member("locationType", "default")
		w.member("uniqueIdType", "unknown")
		w.endObject()
	}
	if w.prop("locations") {
		w.emptyArray()
	}
	if w.prop("attendees") {
		w.beginArray()
		for _, a := range e.Attendees {
			if strings.EqualFold(a.Email, e.Organizer) && !a.Resource {
				continue // Graph lists the organizer apart
			}
			typ := "required"
			switch {
			case a.Resource:
				typ = "resource"
			case a.Optional:
				typ = "optional"
			}
			w.beginObject()
			w.member("type", typ)
			w.name("status")
			w.writeResponse(graphResponse(a.ResponseStatus))
			w.name("emailAddress")
			w.writeEmailAddress(a.Name, a.Email)
			w.endObject()
		}
		w.endArray()
	}
	if w.prop("organizer") {
		orgName := ""
		for _, a := range e.Attendees {
			if strings.EqualFold(a.Email, e.Organizer) {
				orgName = a.Name
			}
		}
		w.beginObject()
		w.name("emailAddress")
		w.writeEmailAddress(orgName, e.Organizer)
		w.endObject()
	}
	if !e.OriginalStart.IsZero() && w.prop("originalStart") {
		w.time(e.OriginalStart.UTC(), time.RFC3339)
	}
	w.endObject()
}

// beginItem opens an Outlook item (an event or a message) and writes the
// members of Graph's outlookItem base type: its etag and id (always, as
// project keeps them), and, where selected, createdDateTime and
// lastModifiedDateTime (both created), changeKey and categories.
func (w *jsonWriter) beginItem(id string, created time.Time) {
	w.beginObject()
	w.name("@odata.etag")
	w.concat(`W/"`, id[len(id)-8:], `"`)
	w.member("id", id)
	for _, p := range [...]string{"createdDateTime", "lastModifiedDateTime"} {
		if w.prop(p) {
			w.time(created.UTC(), time.RFC3339)
		}
	}
	if w.prop("changeKey") {
		w.str(id[len(id)-12:])
	}
	if w.prop("categories") {
		w.emptyArray()
	}
}

// writeResponse writes a responseStatus value.
func (w *jsonWriter) writeResponse(resp string) {
	w.beginObject()
	w.member("response", resp)
	w.member("time", "0001-01-01T00:00:00Z")
	w.endObject()
}

// writeEmailAddress writes an emailAddress value.
func (w *jsonWriter) writeEmailAddress(name, addr string) {
	w.beginObject()
	w.member("name", name)
	w.member("address", addr)
	w.endObject()
}

// writeMessage writes the mailbox copy e of owner, in folder, as Graph's
// message resource, with the properties w.sel selects besides
// @odata.etag and id; internetMessageHeaders only if headers is set too
// (Graph returns them only when $select names them).
func writeMessage(w *jsonWriter, e synthetic.MailEntry, owner, folder string, headers bool) {
	id := itemID("MS", e.ID, owner)
	w.beginItem(id, e.Date)
	for _, p := range [...]string{"receivedDateTime", "sentDateTime"} {
		if w.prop(p) {
			w.time(e.Date.UTC(), time.RFC3339)
		}
	}
	if w.prop("hasAttachments") {
		w.boolean(false)
	}
	if w.prop("internetMessageId") {
		w.str(e.MessageID)
	}
	if w.prop("subject") {
		w.str(e.Subject)
	}
	if w.prop("bodyPreview") {
		w.str(e.Snippet)
	}
	if w.prop("importance") {
		w.str("normal")
	}
	if w.prop("parentFolderId") {
		w.str(itemID("FD", folder, owner))
	}
	if w.sel == nil || w.sel["conversationId"] || w.sel["conversationIndex"] {
		conv := itemID("CV", e.ThreadID, "")
		if w.prop("conversationId") {
			w.str(conv)
		}
		if w.prop("conversationIndex") {
			w.concat("AQHZ", conv[len(conv)-8:])
		}
	}
	for _, p := range [...]string{"isDeliveryReceiptRequested", "isReadReceiptRequested"} {
		if w.prop(p) {
			w.boolean(false)
		}
	}
	if w.prop("isRead") {
		w.boolean(folder == FolderSent)
	}
	if w.prop("isDraft") {
		w.boolean(false)
	}
	if w.prop("webLink") {
		w.concat("https://outlook.office365.com/owa/?ItemID=", id, "&exvsurl=1&viewmodel=ReadMessageItem")
	}
	if w.prop("inferenceClassification") {
		w.str("focused")
	}
	for _, p := range [...]string{"body", "uniqueBody"} {
		if w.prop(p) {
			w.beginObject()
			w.member("contentType", "html")
			w.name("content")
			w.concat("<html><body>", e.Snippet, "</body></html>")
			w.endObject()
		}
	}
	for _, p := range [...]string{"sender", "from"} {
		if w.prop(p) {
			w.writeRecipient(e.From)
		}
	}
	for _, r := range [...]struct {
		name string
		hs   []string
	}{{"toRecipients", e.To}, {"ccRecipients", e.Cc}, {"bccRecipients", e.Bcc}} {
		if w.prop(r.name) {
			w.beginArray()
			for _, h := range r.hs {
				w.writeRecipient(h)
			}
			w.endArray()
		}
	}
	if w.prop("replyTo") {
		w.emptyArray()
	}
	if w.prop("flag") {
		w.beginObject()
		w.member("flagStatus", "notFlagged")
		w.endObject()
	}
	if headers && w.prop("internetMessageHeaders") {
		w.writeHeaders(e)
	}
	w.endObject()
}

// writeRecipient writes the header address h as Graph's recipient.
func (w *jsonWriter) writeRecipient(h string) {
	name, addr, ok := splitAddress(h)
	if !ok {
		name, addr = "", strings.TrimSpace(h)
	}
	w.beginObject()
	w.name("emailAddress")
	w.writeEmailAddress(name, addr)
	w.endObject()
}

// writeHeaders writes the internetMessageHeaders of e.
func (w *jsonWriter) writeHeaders(e synthetic.MailEntry) {
	h := func(name, value string) {
		w.beginObject()
		w.member("name", name)
		w.member("value", value)
		w.endObject()
	}
	w.beginArray()
	h("Message-ID", e.MessageID)
	h("From", e.From)
	w.beginObject()
	w.member("name", "Date")
	w.name("value")
	w.time(e.Date.UTC(), time.RFC1123Z)
	w.endObject()
	h("Subject", e.Subject)
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/alternative")
	for _, r := range [...]struct {
		name string
		hs   []string
	}{{"To", e.To}, {"Cc", e.Cc}} {
		if len(r.hs) == 0 {
			continue
		}
		w.beginObject()
		w.member("name", r.name)
		w.name("value")
		w.scratch = w.scratch[:0]
		for i, a := range r.hs {
			if i > 0 {
				w.scratch = append(w.scratch, ", "...)
			}
			w.scratch = append(w.scratch, a...)
		}
		b, err := jsontext.AppendQuote(w.enc.AvailableBuffer(), w.scratch)
		if err != nil && w.err == nil {
			w.err = err
		}
		w.value(b)
		w.endObject()
	}
	if e.InReplyTo != "" {
		h("In-Reply-To", e.InReplyTo)
		h("References", e.InReplyTo)
	}
	if e.AutoSubmitted != "" {
		h("Auto-Submitted", e.AutoSubmitted)
	}
	if e.Precedence != "" {
		h("Precedence", e.Precedence)
	}
	w.endArray()
}

// splitAddress returns the display name and address net/mail.ParseAddress
// finds in h, ok false if it finds none. The plain forms "addr" and
// "Display Name <addr>" are split here (net/mail costs more than the rest
// of a message); anything else goes to net/mail.
func splitAddress(h string) (name, addr string, ok bool) {
	if plainAddrSpec(h) {
		return "", h, true
	}
	if i := strings.LastIndex(h, " <"); i > 0 && h[len(h)-1] == '>' &&
		plainPhrase(h[:i]) && plainAddrSpec(h[i+2:len(h)-1]) {
		return h[:i], h[i+2 : len(h)-1], true
	}
	a, err := mail.ParseAddress(h)
	if err != nil {
		return "", "", false
	}
	return a.Name, a.Address, true
}

// plainPhrase reports whether s is words of letters, digits, ' and -
// separated by single spaces: a phrase net/mail gives back unchanged.
func plainPhrase(s string) bool {
	word := 0
	for _, r := range s {
		switch {
		case r == ' ':
			if word == 0 {
				return false
			}
			word = 0
			continue
		case r == utf8.RuneError:
			return false
		case r < utf8.RuneSelf && !isAlnum(byte(r)) && r != '\'' && r != '-':
			return false
		case r >= utf8.RuneSelf && !unicode.IsLetter(r):
			return false
		}
		word++
	}
	return word > 0
}

// plainAddrSpec reports whether s is local@domain, both dot-separated
// runs of letters, digits, _, + and - (only letters, digits and - in the
// domain): an address net/mail gives back unchanged.
func plainAddrSpec(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && dotRuns(local, "_+-") && dotRuns(domain, "-")
}

// dotRuns reports whether s is non-empty runs of ASCII letters, digits
// and the bytes of extra, separated by single dots.
func dotRuns(s, extra string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if run == 0 {
				return false
			}
			run = 0
			continue
		case !isAlnum(c) && strings.IndexByte(extra, c) < 0:
			return false
		}
		run++
	}
	return run > 0
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
