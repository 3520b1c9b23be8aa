package msgraph

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// The connector's mapping as it was when pages were read into the SDK's
// models (up to commit 16ba3b4): the reference the direct decoding of
// page.go is checked against (TestPages_matchSDK). sdkResponse,
// sdkTime and sdkCalendarEntry read an event model, sdkMailEntry a
// message model.

func sdkResponse(r models.ResponseStatusable) string {
	if r == nil || r.GetResponse() == nil {
		return "needsAction"
	}
	switch *r.GetResponse() {
	case models.ACCEPTED_RESPONSETYPE, models.ORGANIZER_RESPONSETYPE:
		return "accepted"
	case models.TENTATIVELYACCEPTED_RESPONSETYPE:
		return "tentative"
	case models.DECLINED_RESPONSETYPE:
		return "declined"
	}
	return "needsAction"
}

func sdkTime(v models.DateTimeTimeZoneable) (time.Time, error) {
	if v == nil || v.GetDateTime() == nil {
		return time.Time{}, errors.New("missing")
	}
	loc := time.UTC
	if tz := deref(v.GetTimeZone()); tz != "" && tz != "UTC" {
		l, err := time.LoadLocation(ianaZone(tz))
		if err != nil {
			return time.Time{}, fmt.Errorf("time zone %q", tz)
		}
		loc = l
	}
	return time.ParseInLocation("2006-01-02T15:04:05.9999999", *v.GetDateTime(), loc)
}

func sdkCalendarEntry(e models.Eventable, u ingest.User) (synthetic.CalendarEntry, error) {
	ce := synthetic.CalendarEntry{
		ID:        deref(e.GetId()),
		ICalUID:   deref(e.GetICalUId()),
		AllDay:    deref(e.GetIsAllDay()),
		TimeZone:  u.Person.TimeZone,
		Status:    "confirmed",
		EventType: "default",
		Online:    deref(e.GetIsOnlineMeeting()),
	}
	if deref(e.GetIsCancelled()) {
		ce.Status = "cancelled"
	}
	if e.GetSeriesMasterId() != nil && *e.GetSeriesMasterId() != "" {
		ce.SeriesID = *e.GetSeriesMasterId()
	}
	if t := e.GetOriginalStart(); t != nil {
		ce.OriginalStart = t.UTC()
	}
	if t := e.GetCreatedDateTime(); t != nil {
		ce.Created = t.UTC()
	}
	st, err1 := sdkTime(e.GetStart())
	en, err2 := sdkTime(e.GetEnd())
	if err1 != nil || err2 != nil {
		return ce, fmt.Errorf("msgraph: event of %s: start or end unreadable", u.Person.PersonID)
	}
	if ce.AllDay {
		// A floating date: the calendar owner's local days.
		ce.StartDate, ce.EndDate = st.Format(time.DateOnly), en.Format(time.DateOnly)
	} else {
		ce.Start, ce.End = st, en
	}
	if sa := e.GetShowAs(); sa != nil {
		ce.ShowAs = sa.String()
	}
	switch ce.ShowAs {
	case "oof":
		ce.EventType = "outOfOffice"
	case "workingElsewhere":
		ce.EventType = "workingLocation"
	}
	if o := e.GetOrganizer(); o != nil && o.GetEmailAddress() != nil {
		ce.Organizer = ingest.CanonicalEmail(deref(o.GetEmailAddress().GetAddress()))
	}
	for _, a := range e.GetAttendees() {
		if a == nil || a.GetEmailAddress() == nil {
			continue
		}
		at := synthetic.Attendee{
			Email:          ingest.CanonicalEmail(deref(a.GetEmailAddress().GetAddress())),
			ResponseStatus: sdkResponse(a.GetStatus()),
		}
		if t := a.GetTypeEscaped(); t != nil && *t == models.RESOURCE_ATTENDEETYPE {
			at.Resource = true
		}
		if at.Email != "" {
			ce.Attendees = append(ce.Attendees, at)
		}
	}
	ce.SelfResponse = sdkResponse(e.GetResponseStatus())
	return ce, nil
}

func sdkMailEntry(m models.Messageable) (synthetic.MailEntry, bool) {
	id := deref(m.GetInternetMessageId())
	sentAt := m.GetSentDateTime()
	if id == "" || sentAt == nil {
		return synthetic.MailEntry{}, false
	}
	me := synthetic.MailEntry{MessageID: id, Channel: dataset.ChannelEmail, Date: sentAt.UTC()}
	from := m.GetFrom()
	if from == nil {
		from = m.GetSender()
	}
	if from == nil || from.GetEmailAddress() == nil {
		return me, false
	}
	me.From = deref(from.GetEmailAddress().GetAddress())
	list := func(rs []models.Recipientable) []string {
		var out []string
		for _, r := range rs {
			if r != nil && r.GetEmailAddress() != nil && deref(r.GetEmailAddress().GetAddress()) != "" {
				out = append(out, deref(r.GetEmailAddress().GetAddress()))
			}
		}
		return out
	}
	me.To, me.Cc, me.Bcc = list(m.GetToRecipients()), list(m.GetCcRecipients()), list(m.GetBccRecipients())
	for _, h := range m.GetInternetMessageHeaders() {
		if h == nil {
			continue // the connector then panicked on a null header
		}
		switch strings.ToLower(deref(h.GetName())) {
		case "in-reply-to":
			me.InReplyTo = deref(h.GetValue())
		case "auto-submitted":
			me.AutoSubmitted = deref(h.GetValue())
		case "precedence":
			me.Precedence = deref(h.GetValue())
		}
	}
	return me, true
}

// The directory listing as it was read into the SDK's user models (up to
// commit ac930d1): the reference directoryUser is checked against
// (TestUsers_matchSDK).

func sdkAddress(u models.Userable) string {
	if m := u.GetMail(); m != nil && *m != "" {
		return ingest.CanonicalEmail(*m)
	}
	if m := u.GetUserPrincipalName(); m != nil && strings.Contains(*m, "@") {
		return ingest.CanonicalEmail(*m)
	}
	return ""
}

func sdkExtensionAttribute(a models.OnPremisesExtensionAttributesable, n int) string {
	if a == nil {
		return ""
	}
	getters := []func() *string{nil,
		a.GetExtensionAttribute1, a.GetExtensionAttribute2, a.GetExtensionAttribute3, a.GetExtensionAttribute4,
		a.GetExtensionAttribute5, a.GetExtensionAttribute6, a.GetExtensionAttribute7, a.GetExtensionAttribute8,
		a.GetExtensionAttribute9, a.GetExtensionAttribute10, a.GetExtensionAttribute11, a.GetExtensionAttribute12,
		a.GetExtensionAttribute13, a.GetExtensionAttribute14, a.GetExtensionAttribute15}
	if n < 1 || n >= len(getters) {
		return ""
	}
	return deref(getters[n]())
}

func sdkDirectoryUser(u models.Userable, fa, la int) (synthetic.User, string, bool) {
	if enabled := u.GetAccountEnabled(); enabled != nil && !*enabled {
		return synthetic.User{}, "", false
	}
	if t := u.GetUserType(); t != nil && !strings.EqualFold(*t, "Member") {
		return synthetic.User{}, "", false
	}
	email := sdkAddress(u)
	if email == "" {
		return synthetic.User{}, "", false
	}
	su := synthetic.User{Email: email, Department: deref(u.GetDepartment())}
	if m, ok := u.GetManager().(models.Userable); ok && m != nil {
		su.ManagerEmail = sdkAddress(m)
	}
	ext := u.GetOnPremisesExtensionAttributes()
	if fa > 0 {
		su.Function = sdkExtensionAttribute(ext, fa)
	}
	if la > 0 {
		su.Level = sdkExtensionAttribute(ext, la)
	}
	return su, deref(u.GetId()), true
}
