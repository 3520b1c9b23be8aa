package googletest

import (
	"hash/fnv"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"time"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// SchemaName is the Directory custom schema holding the HR attributes
// the directory's standard fields lack: FunctionType and LevelDesignation.
const SchemaName = "Overload"

// listUsers serves Directory users.list.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, subject string) any {
	if s.forbidden(w, subject, s.admin) {
		return nil
	}
	q := r.URL.Query()
	if q.Get("customer") == "" && q.Get("domain") == "" {
		writeError(w, http.StatusBadRequest, "badRequest", "Bad Request", "INVALID_ARGUMENT")
		return nil
	}
	people := s.org.People()
	lo, hi, next, err := page(r, len(people), DefaultDirectoryPage, 500, s.opts.MaxPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error(), "INVALID_ARGUMENT")
		return nil
	}
	proj := q.Get("projection")
	users := make([]any, 0, hi-lo)
	for _, u := range people[lo:hi] {
		users = append(users, directoryUser(u, proj == "full" || proj == "custom", u.Email == s.admin))
	}
	out := map[string]any{"kind": "admin#directory#users", "etag": `"fake"`, "users": users}
	if next != "" {
		out["nextPageToken"] = next
	}
	return out
}

func directoryUser(u synthetic.User, full, admin bool) map[string]any {
	given, family, _ := strings.Cut(u.Name, " ")
	m := map[string]any{
		"kind": "admin#directory#user", "id": numericID(u.Email), "etag": `"u"`,
		"primaryEmail": u.Email,
		"name":         map[string]any{"givenName": given, "familyName": family, "fullName": u.Name},
		"isAdmin":      admin, "isDelegatedAdmin": false, "suspended": false, "archived": false,
		"orgUnitPath": "/" + u.Department, "customerId": "C0fake00",
		"creationTime": "2020-01-06T09:00:00.000Z", "isMailboxSetup": true,
		"organizations": []any{map[string]any{
			"title": u.Title, "department": u.Department, "primary": true, "type": "work",
		}},
	}
	if u.ManagerEmail != "" {
		m["relations"] = []any{map[string]any{"type": "manager", "value": u.ManagerEmail}}
	}
	if full {
		m["customSchemas"] = map[string]any{SchemaName: map[string]any{
			"FunctionType": u.Function, "LevelDesignation": u.Level,
		}}
	}
	return m
}

func numericID(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return strconv.FormatUint(h.Sum64()%1e19, 10)
}

// resolveUser maps "me"/"primary" to the token's subject.
func resolveUser(id, subject string) string {
	if id == "me" || id == "primary" {
		return subject
	}
	return id
}

// listEvents serves Calendar events.list.
func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, subject string) any {
	cal := resolveUser(r.PathValue("cal"), subject)
	if s.forbidden(w, subject, cal) {
		return nil
	}
	s.checkFields(r, "summary", "description", "location", "attachments")
	u := s.user(cal)
	if !u.known {
		writeError(w, http.StatusNotFound, "notFound", "Not Found", "NOT_FOUND")
		return nil
	}
	q := r.URL.Query()
	var tmin, tmax time.Time
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"timeMin", &tmin}, {"timeMax", &tmax}} {
		if v := q.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusBadRequest, "badRequest", "Bad Request", "INVALID_ARGUMENT")
				return nil
			}
			*p.t = t
		}
	}
	if q.Has("q") || q.Has("syncToken") {
		writeError(w, http.StatusBadRequest, "badRequest", "the fake does not serve q or syncToken", "INVALID_ARGUMENT")
		return nil
	}
	showDeleted := q.Get("showDeleted") == "true"
	var sel []synthetic.CalendarEntry
	var tz string
	user, _ := s.org.User(cal)
	tz = user.TimeZone
	loc := user.Location()
	for _, e := range u.cal {
		start, end := e.Start, e.End
		if e.AllDay {
			start, _ = time.ParseInLocation(time.DateOnly, e.StartDate, loc)
			end, _ = time.ParseInLocation(time.DateOnly, e.EndDate, loc)
		}
		if (!tmin.IsZero() && !end.After(tmin)) || (!tmax.IsZero() && !start.Before(tmax)) {
			continue
		}
		if e.Status == "cancelled" && !showDeleted {
			continue
		}
		sel = append(sel, e)
	}
	lo, hi, next, err := page(r, len(sel), DefaultCalendarPage, 2500, s.opts.MaxPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error(), "INVALID_ARGUMENT")
		return nil
	}
	items := make([]any, 0, hi-lo)
	for _, e := range sel[lo:hi] {
		items = append(items, calendarItem(e, cal, loc))
	}
	out := map[string]any{
		"kind": "calendar#events", "etag": `"p1"`, "summary": cal, "updated": "2026-01-01T00:00:00.000Z",
		"timeZone": tz, "accessRole": "owner", "defaultReminders": []any{}, "items": items,
	}
	if next != "" {
		out["nextPageToken"] = next
	}
	return out
}

func calendarTime(t time.Time, loc *time.Location, tz string) map[string]any {
	return map[string]any{"dateTime": t.In(loc).Format(time.RFC3339), "timeZone": tz}
}

func calendarItem(e synthetic.CalendarEntry, owner string, loc *time.Location) map[string]any {
	m := map[string]any{
		"kind": "calendar#event", "etag": `"e"`, "id": e.ID, "status": e.Status,
		"htmlLink":    "https://calendar.google.com/calendar/event?eid=" + e.ID,
		"created":     e.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
		"updated":     e.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
		"summary":     e.Summary,
		"description": e.Description,
		"location":    "CANARY-LOCATION room 4",
		"creator":     map[string]any{"email": e.Organizer, "self": e.Organizer == owner},
		"organizer":   map[string]any{"email": e.Organizer, "self": e.Organizer == owner},
		"iCalUID":     e.ICalUID, "sequence": 0, "eventType": e.EventType,
		"reminders": map[string]any{"useDefault": true},
	}
	if e.AllDay {
		m["start"] = map[string]any{"date": e.StartDate}
		m["end"] = map[string]any{"date": e.EndDate}
	} else {
		m["start"] = calendarTime(e.Start, loc, e.TimeZone)
		m["end"] = calendarTime(e.End, loc, e.TimeZone)
	}
	if e.Transparency == "transparent" {
		m["transparency"] = "transparent"
	}
	if e.SeriesID != "" {
		m["recurringEventId"] = e.SeriesID
		m["originalStartTime"] = calendarTime(e.OriginalStart, loc, e.TimeZone)
	}
	if len(e.Attendees) > 0 {
		as := make([]any, 0, len(e.Attendees))
		for _, a := range e.Attendees {
			am := map[string]any{"email": a.Email, "responseStatus": a.ResponseStatus}
			if a.Name != "" {
				am["displayName"] = a.Name
			}
			if a.Organizer {
				am["organizer"] = true
			}
			if a.Resource {
				am["resource"] = true
			}
			if a.Optional {
				am["optional"] = true
			}
			if strings.EqualFold(a.Email, owner) {
				am["self"] = true
			}
			as = append(as, am)
		}
		m["attendees"] = as
	}
	if e.Online {
		m["hangoutLink"] = "https://meet.google.com/aaa-bbbb-ccc"
		m["conferenceData"] = map[string]any{
			"conferenceId":       "aaa-bbbb-ccc",
			"conferenceSolution": map[string]any{"key": map[string]any{"type": "hangoutsMeet"}, "name": "Google Meet"},
			"entryPoints":        []any{map[string]any{"entryPointType": "video", "uri": "https://meet.google.com/aaa-bbbb-ccc"}},
		}
	}
	switch e.EventType {
	case "focusTime":
		m["focusTimeProperties"] = map[string]any{"autoDeclineMode": "declineOnlyNewConflictingInvitations", "chatStatus": "doNotDisturb"}
	case "outOfOffice":
		m["outOfOfficeProperties"] = map[string]any{"autoDeclineMode": "declineAllConflictingInvitations", "declineMessage": "CANARY-BODY-ooo"}
	case "workingLocation":
		m["workingLocationProperties"] = map[string]any{"type": "homeOffice", "homeOffice": map[string]any{}}
	}
	return m
}

// listMessages serves Gmail users.messages.list.
func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, subject string) any {
	user := resolveUser(r.PathValue("user"), subject)
	if s.forbidden(w, subject, user) {
		return nil
	}
	q := r.URL.Query()
	if q.Has("q") {
		writeError(w, http.StatusForbidden, "forbidden", "Metadata scope does not support 'q' parameter", "PERMISSION_DENIED")
		return nil
	}
	u := s.user(user)
	if !u.known {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "NOT_FOUND")
		return nil
	}
	labels := q["labelIds"]
	var sel []*synthetic.MailEntry
	for i := range u.box {
		e := &u.box[i]
		ok := true
		for _, l := range labels {
			ok = ok && slices.Contains(e.Labels, l)
		}
		if ok {
			sel = append(sel, e)
		}
	}
	lo, hi, next, err := page(r, len(sel), DefaultGmailPage, 500, s.opts.MaxPage)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error(), "INVALID_ARGUMENT")
		return nil
	}
	msgs := make([]any, 0, hi-lo)
	for _, e := range sel[lo:hi] {
		msgs = append(msgs, map[string]any{"id": e.ID, "threadId": threadID(e)})
	}
	out := map[string]any{"resultSizeEstimate": len(sel)}
	if len(msgs) > 0 {
		out["messages"] = msgs
	}
	if next != "" {
		out["nextPageToken"] = next
	}
	return out
}

func threadID(e *synthetic.MailEntry) string {
	if e.ThreadID != "" {
		return numericHex(e.ThreadID)
	}
	return e.ID
}

func numericHex(s string) string {
	h := fnv.New64a()
	h.Write([]byte(s))
	return strconv.FormatUint(h.Sum64()|1<<60, 16)
}

// getMessage serves Gmail users.messages.get.
func (s *Server) getMessage(w http.ResponseWriter, r *http.Request, subject string) any {
	user := resolveUser(r.PathValue("user"), subject)
	if s.forbidden(w, subject, user) {
		return nil
	}
	q := r.URL.Query()
	format := q.Get("format")
	switch format {
	case "minimal", "metadata":
	case "", "full", "raw":
		if format == "" {
			format = "full"
		}
		writeError(w, http.StatusForbidden, "forbidden", "Metadata scope doesn't allow format "+strings.ToUpper(format), "PERMISSION_DENIED")
		return nil
	default:
		writeError(w, http.StatusBadRequest, "invalidArgument", "Invalid format", "INVALID_ARGUMENT")
		return nil
	}
	s.checkFields(r, "snippet", "raw", "body", "parts", "data")
	want := q["metadataHeaders"]
	for _, h := range want {
		if strings.EqualFold(h, "Subject") {
			s.violation("%s %s asks for header %q", r.Method, r.URL.Path, h)
		}
	}
	u := s.user(user)
	i, ok := u.byID[r.PathValue("id")]
	if !u.known || !ok {
		writeError(w, http.StatusNotFound, "notFound", "Requested entity was not found.", "NOT_FOUND")
		return nil
	}
	e := &u.box[i]
	m := map[string]any{
		"id": e.ID, "threadId": threadID(e), "labelIds": e.Labels,
		"snippet":      e.Snippet,
		"historyId":    strconv.FormatInt(1_000_000+e.Date.Unix()%1_000_000_000, 10),
		"internalDate": strconv.FormatInt(e.Date.UnixMilli(), 10),
		"sizeEstimate": 2048 + len(e.Snippet),
	}
	if format == "metadata" {
		m["payload"] = map[string]any{
			"partId": "", "mimeType": "multipart/alternative", "filename": "",
			"headers": mailHeaders(e, want), "body": map[string]any{"size": 0},
		}
	}
	return m
}

// mailHeaders renders e's headers, keeping only those in want (any case)
// when want is not empty, as format=metadata does.
func mailHeaders(e *synthetic.MailEntry, want []string) []any {
	all := []struct{ name, value string }{
		{"From", e.From},
		{"To", strings.Join(e.To, ", ")},
		{"Cc", strings.Join(e.Cc, ", ")},
		{"Bcc", strings.Join(e.Bcc, ", ")},
		{"Subject", e.Subject},
		{"Date", e.Date.UTC().Format(time.RFC1123Z)},
		{"Message-ID", e.MessageID},
		{"In-Reply-To", e.InReplyTo},
		{"Auto-Submitted", e.AutoSubmitted},
		{"Precedence", e.Precedence},
	}
	var out []any
	for _, h := range all {
		if h.value == "" {
			continue
		}
		if len(want) > 0 && !slices.ContainsFunc(want, func(s string) bool { return strings.EqualFold(s, h.name) }) {
			continue
		}
		out = append(out, map[string]any{"name": h.name, "value": h.value})
	}
	return out
}
