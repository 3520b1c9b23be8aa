package graphtest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// HR attributes: the directory's standard fields have no function or
// level, so the fake keeps them where on-premises directories sync custom
// attributes: onPremisesExtensionAttributes.extensionAttribute1 and 2.
const (
	FunctionAttribute = 1
	LevelAttribute    = 2
)

// graphTime is the layout of dateTimeTimeZone.dateTime: 7 fractional
// digits, no offset.
const graphTime = "2006-01-02T15:04:05.0000000"

// listUsers serves GET /users.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) any {
	sel := s.selectSet(r, false)
	q := r.URL.Query()
	var mgrSel map[string]bool
	expandMgr := false
	if ex := q.Get("$expand"); ex != "" {
		name, rest, _ := strings.Cut(ex, "(")
		if strings.TrimSpace(name) != "manager" {
			writeError(w, http.StatusBadRequest, "Request_BadRequest", "Expanding '"+name+"' is not supported.")
			return nil
		}
		expandMgr = true
		if rest != "" {
			opt := strings.TrimSuffix(rest, ")")
			if k, v, ok := strings.Cut(opt, "="); ok && strings.TrimSpace(k) == "$select" {
				mgrSel = map[string]bool{}
				for _, f := range strings.Split(v, ",") {
					mgrSel[strings.TrimSpace(f)] = true
				}
			}
		}
	}
	people := s.org.People()
	lo, hi, next, ok := s.page(w, r, len(people), DefaultUsersPage, MaxUsersPage)
	if !ok {
		return nil
	}
	items := make([]any, 0, hi-lo)
	for _, u := range people[lo:hi] {
		m := project(UserJSON(u), sel)
		if expandMgr && u.ManagerEmail != "" {
			if mu, ok := s.org.User(u.ManagerEmail); ok {
				mm := UserJSON(mu)
				mm["@odata.type"] = "#microsoft.graph.user"
				m["manager"] = project(mm, mgrSel)
			}
		}
		items = append(items, m)
	}
	ctx := "users"
	if sel != nil {
		ctx = "users(" + q.Get("$select") + ")"
	}
	return s.collection(ctx, items, next)
}

// UserJSON renders a directory user as Graph's user resource (the
// properties a /users list returns by default plus the ones package msgraph
// selects).
func UserJSON(u synthetic.User) map[string]any {
	given, family, _ := strings.Cut(u.Name, " ")
	ext := map[string]any{}
	for i := 1; i <= 15; i++ {
		ext["extensionAttribute"+strconv.Itoa(i)] = nil
	}
	if u.Function != "" {
		ext["extensionAttribute"+strconv.Itoa(FunctionAttribute)] = u.Function
	}
	if u.Level != "" {
		ext["extensionAttribute"+strconv.Itoa(LevelAttribute)] = u.Level
	}
	return map[string]any{
		"id":                            ObjectID(u.Email),
		"businessPhones":                []any{},
		"displayName":                   u.Name,
		"givenName":                     given,
		"surname":                       family,
		"jobTitle":                      u.Title,
		"mail":                          u.Email,
		"mobilePhone":                   nil,
		"officeLocation":                nil,
		"preferredLanguage":             "en-US",
		"userPrincipalName":             u.Email,
		"department":                    u.Department,
		"accountEnabled":                true,
		"userType":                      "Member",
		"onPremisesExtensionAttributes": ext,
	}
}

// mailboxSettings serves GET /users/{id}/mailboxSettings.
func (s *Server) mailboxSettings(w http.ResponseWriter, r *http.Request) any {
	email := s.user(r.PathValue("id"))
	u, _ := s.org.User(email)
	out := MailboxSettingsJSON(u)
	if s.opts.WindowsZones {
		if win, ok := windowsIDs[u.TimeZone]; ok {
			out["timeZone"] = win
			if wh, ok := out["workingHours"].(map[string]any); ok {
				wh["timeZone"] = map[string]any{"name": win}
			}
		}
	}
	out["@odata.context"] = s.URL + "/v1.0/$metadata#users('" + r.PathValue("id") + "')/mailboxSettings"
	return out
}

// MailboxSettingsJSON renders u's mailbox settings. Zones are IANA names
// (Graph returns whichever form the user chose; package msgraph reads
// both). Working hours that are not set are null.
func MailboxSettingsJSON(u synthetic.User) map[string]any {
	out := map[string]any{
		"archiveFolder": "AAMkArchive" + ObjectID(u.Email)[:8],
		"timeZone":      u.TimeZone,
		"automaticRepliesSetting": map[string]any{
			"status": "disabled", "externalAudience": "all",
			"internalReplyMessage": "", "externalReplyMessage": "",
			"scheduledStartDateTime": map[string]any{"dateTime": "2026-01-01T00:00:00.0000000", "timeZone": "UTC"},
			"scheduledEndDateTime":   map[string]any{"dateTime": "2026-01-02T00:00:00.0000000", "timeZone": "UTC"},
		},
		"dateFormat":                            "yyyy-MM-dd",
		"timeFormat":                            "HH:mm",
		"userPurpose":                           "user",
		"delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
		"language":                              map[string]any{"locale": "en-US", "displayName": "English (United States)"},
	}
	if u.WorkStart == "" && u.WorkEnd == "" && len(u.WorkDays) == 0 {
		out["workingHours"] = nil
		return out
	}
	days := make([]any, len(u.WorkDays))
	for i, d := range u.WorkDays {
		days[i] = strings.ToLower(d.String())
	}
	out["workingHours"] = map[string]any{
		"daysOfWeek": days,
		"startTime":  timeOfDay(u.WorkStart),
		"endTime":    timeOfDay(u.WorkEnd),
		"timeZone":   map[string]any{"name": u.TimeZone},
	}
	return out
}

// windowsIDs are the Windows ids of the generator's zones whose CLDR
// mapping gives back the same IANA name (India's gives Asia/Calcutta, so
// Asia/Kolkata stays IANA).
var windowsIDs = map[string]string{
	"America/New_York":    "Eastern Standard Time",
	"America/Los_Angeles": "Pacific Standard Time",
	"Europe/London":       "GMT Standard Time",
	"Europe/Berlin":       "W. Europe Standard Time",
	"Australia/Sydney":    "AUS Eastern Standard Time",
}

// timeOfDay renders "HH:MM" as Graph's Edm.TimeOfDay.
func timeOfDay(hm string) any {
	if hm == "" {
		return nil
	}
	return hm + ":00.0000000"
}

// window parses startDateTime and endDateTime.
func window(w http.ResponseWriter, r *http.Request) (start, end time.Time, ok bool) {
	q := r.URL.Query()
	var err1, err2 error
	start, err1 = parseQueryTime(q.Get("startDateTime"))
	end, err2 = parseQueryTime(q.Get("endDateTime"))
	if err1 != nil || err2 != nil {
		writeError(w, http.StatusBadRequest, "ErrorInvalidParameter",
			"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
		return start, end, false
	}
	return start, end, true
}

// parseQueryTime parses an ISO 8601 instant; without an offset it is UTC.
func parseQueryTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.9999999", v, time.UTC)
}

// calendarView serves GET /users/{id}/calendarView: every instance that
// overlaps the window, in start order.
func (s *Server) calendarView(w http.ResponseWriter, r *http.Request) any {
	sel := s.selectSet(r, true)
	start, end, ok := window(w, r)
	if !ok {
		return nil
	}
	email := s.user(r.PathValue("id"))
	owner, _ := s.org.User(email)
	outLoc := time.UTC
	outZone := "UTC"
	if tz := prefer(r, "outlook.timezone"); tz != "" && tz != "UTC" {
		if l, err := time.LoadLocation(tz); err == nil {
			outLoc, outZone = l, tz
		}
	}
	all := s.org.Calendar(email) // fresh values: filtered in place
	in := all[:0]
	for _, e := range all {
		es, ee := entrySpan(e, owner.Location())
		if es.Before(end) && ee.After(start) {
			in = append(in, e)
		}
	}
	lo, hi, next, ok := s.page(w, r, len(in), DefaultOutlookPage, MaxOutlookPage)
	if !ok {
		return nil
	}
	page := in[lo:hi]
	return s.collectionWriter("users('"+r.PathValue("id")+"')/calendarView", next, sel, func(w *jsonWriter) {
		for _, e := range page {
			writeEvent(w, e, email, outLoc, outZone)
		}
	})
}

// entrySpan returns the instants an entry covers; all-day entries are
// local midnight to local midnight in the owner's zone.
func entrySpan(e synthetic.CalendarEntry, loc *time.Location) (time.Time, time.Time) {
	if !e.AllDay {
		return e.Start, e.End
	}
	s, _ := time.ParseInLocation(time.DateOnly, e.StartDate, loc)
	t, _ := time.ParseInLocation(time.DateOnly, e.EndDate, loc)
	return s, t
}

// itemID is a per-mailbox Outlook item id: "AAMk", prefix and the
// 64-bit FNV-1a hash of key, a NUL and owner in 16 hex digits.
func itemID(prefix, key, owner string) string {
	const offset64, prime64 = 14695981039346656037, 1099511628211
	h := uint64(offset64)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * prime64
	}
	h *= prime64 // the NUL
	for i := 0; i < len(owner); i++ {
		h = (h ^ uint64(owner[i])) * prime64
	}
	var b [32]byte
	id := append(append(b[:0], "AAMk"...), prefix...)
	for shift := 60; shift >= 0; shift -= 4 {
		id = append(id, "0123456789abcdef"[h>>shift&15])
	}
	return string(id)
}

// graphResponse maps a Google-style response status to Graph's.
func graphResponse(s string) string {
	switch s {
	case "accepted":
		return "accepted"
	case "tentative":
		return "tentativelyAccepted"
	case "declined":
		return "declined"
	}
	return "none"
}

// EventJSON renders the calendar entry e of the mailbox owner as Graph's
// event resource (all properties, content included), times in zone: the
// item a calendarView without $select serves for e, decoded (numbers as
// float64).
func EventJSON(e synthetic.CalendarEntry, owner string, loc *time.Location, zone string) map[string]any {
	return render(func(w *jsonWriter) { writeEvent(w, e, owner, loc, zone) })
}

// Well-known mail folders.
const (
	FolderSent  = "sentitems"
	FolderInbox = "inbox"
)

// messages serves GET /users/{id}/mailFolders/{folder}/messages: the
// folder's email (chat lives in Teams, not in mail folders), newest first,
// filtered by $filter=receivedDateTime ge|gt X [and receivedDateTime lt|le Y].
func (s *Server) messages(w http.ResponseWriter, r *http.Request) any {
	sel := s.selectSet(r, true)
	folder := strings.ToLower(r.PathValue("folder"))
	label := ""
	switch folder {
	case FolderSent:
		label = synthetic.LabelSent
	case FolderInbox:
		label = synthetic.LabelInbox
	default:
		writeError(w, http.StatusNotFound, "ErrorItemNotFound", "The specified object was not found in the store.")
		return nil
	}
	keep, err := parseFilter(r.URL.Query().Get("$filter"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes.")
		return nil
	}
	email := s.user(r.PathValue("id"))
	all := s.org.Mailbox(email) // fresh values: filtered in place
	in := all[:0]
	for _, e := range all {
		if e.Channel == "email" && slices.Contains(e.Labels, label) && keep(e.Date) {
			in = append(in, e)
		}
	}
	slices.Reverse(in) // Graph's default order: receivedDateTime desc
	lo, hi, next, ok := s.page(w, r, len(in), DefaultOutlookPage, MaxOutlookPage)
	if !ok {
		return nil
	}
	page := in[lo:hi]
	headers := sel["internetMessageHeaders"] // only returned when selected
	return s.collectionWriter("users('"+r.PathValue("id")+"')/mailFolders('"+folder+"')/messages", next, sel, func(w *jsonWriter) {
		for _, e := range page {
			writeMessage(w, e, email, folder, headers)
		}
	})
}

// parseFilter parses the $filter forms the fake supports: comparisons of
// receivedDateTime (or sentDateTime) with ge, gt, lt, le joined by "and".
func parseFilter(f string) (func(time.Time) bool, error) {
	if strings.TrimSpace(f) == "" {
		return func(time.Time) bool { return true }, nil
	}
	var tests []func(time.Time) bool
	for _, c := range strings.Split(f, " and ") {
		parts := strings.Fields(c)
		if len(parts) != 3 || (parts[0] != "receivedDateTime" && parts[0] != "sentDateTime") {
			return nil, fmt.Errorf("unsupported filter %q", c)
		}
		v, err := time.Parse(time.RFC3339Nano, parts[2])
		if err != nil {
			return nil, err
		}
		switch parts[1] {
		case "ge":
			tests = append(tests, func(t time.Time) bool { return !t.Before(v) })
		case "gt":
			tests = append(tests, func(t time.Time) bool { return t.After(v) })
		case "lt":
			tests = append(tests, func(t time.Time) bool { return t.Before(v) })
		case "le":
			tests = append(tests, func(t time.Time) bool { return !t.After(v) })
		default:
			return nil, fmt.Errorf("unsupported operator %q", parts[1])
		}
	}
	return func(t time.Time) bool {
		for _, ok := range tests {
			if !ok(t) {
				return false
			}
		}
		return true
	}, nil
}

// MessageJSON renders the mailbox copy e of owner, in folder, as Graph's
// message resource (all properties, content and headers included): the
// item a messages page selecting every property serves for e, decoded
// (numbers as float64).
func MessageJSON(e synthetic.MailEntry, owner, folder string) map[string]any {
	return render(func(w *jsonWriter) { writeMessage(w, e, owner, folder, true) })
}
