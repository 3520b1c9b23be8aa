package msgraph

import (
	"context"
	"errors"
	"fmt"
	"time"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Calendar reads u's calendarView for [start, end) and calls fn for every
// instance that starts in it. It returns the mailbox's time zone.
func (s *Source) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (string, error) {
	loc := time.UTC
	if u.Person.TimeZone != "" {
		l, err := time.LoadLocation(u.Person.TimeZone)
		if err != nil {
			return "", fmt.Errorf("msgraph: time zone %q of %s: %w", u.Person.TimeZone, u.Person.PersonID, err)
		}
		loc = l
	}
	// All-day events are local days: widen the window by a day each side
	// and keep what starts inside it.
	from := start.Add(-26 * time.Hour).UTC().Format(time.RFC3339)
	to := end.Add(26 * time.Hour).UTC().Format(time.RFC3339)
	h := s.outlookHeaders()
	resp, err := s.users().ByUserId(s.userID(u.Email)).CalendarView().Get(ctx, &users.ItemCalendarViewRequestBuilderGetRequestConfiguration{
		Headers: h,
		QueryParameters: &users.ItemCalendarViewRequestBuilderGetQueryParameters{
			StartDateTime: &from, EndDateTime: &to, Select: eventSelect,
		}})
	if err != nil {
		return "", fmt.Errorf("msgraph: calendarView: %w", describe(err))
	}
	it, err := msgraphcore.NewPageIterator[models.Eventable](resp, s.ad, models.CreateEventCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return "", fmt.Errorf("msgraph: calendarView: %w", err)
	}
	it.SetHeaders(h) // next pages do not inherit the first request's headers
	var fnErr error
	err = it.Iterate(ctx, func(e models.Eventable) bool {
		ce, err := calendarEntry(e, u)
		if err != nil {
			fnErr = err
			return false
		}
		ev, err := synthetic.EventFromEntry(s.ps, ce, loc)
		if err != nil {
			fnErr = err
			return false
		}
		if ev.Start.Before(start) || !ev.Start.Before(end) {
			return true
		}
		ev.Source = SourceName
		at := synthetic.AttendanceFromEntry(s.ps, u.Email, ce, ev.EventID)
		if fnErr = fn(ingest.EventCopy{Event: ev, Attendance: at}); fnErr != nil {
			return false
		}
		return true
	})
	if fnErr != nil {
		return "", fnErr
	}
	if err != nil {
		return "", fmt.Errorf("msgraph: calendarView: %w", describe(err))
	}
	return u.Person.TimeZone, nil
}

// googleResponse maps a Graph response to the vocabulary of
// synthetic.Response.
func googleResponse(r models.ResponseStatusable) string {
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

// graphTime parses a dateTimeTimeZone asked for in UTC.
func graphTime(v models.DateTimeTimeZoneable) (time.Time, error) {
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

// calendarEntry maps one Graph event copy to the shape synthetic's
// mapping functions take. Graph has no event type: out-of-office and
// working-location blocks are known by their showAs.
func calendarEntry(e models.Eventable, u ingest.User) (synthetic.CalendarEntry, error) {
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
	st, err1 := graphTime(e.GetStart())
	en, err2 := graphTime(e.GetEnd())
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
			ResponseStatus: googleResponse(a.GetStatus()),
		}
		if t := a.GetTypeEscaped(); t != nil && *t == models.RESOURCE_ATTENDEETYPE {
			at.Resource = true
		}
		if at.Email != "" {
			ce.Attendees = append(ce.Attendees, at)
		}
	}
	ce.SelfResponse = googleResponse(e.GetResponseStatus())
	return ce, nil
}
