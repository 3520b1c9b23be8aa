package msgraph

import (
	"context"
	"errors"
	"fmt"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
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
	rb := s.users().ByUserId(s.userID(u.Email)).CalendarView()
	ri, err := rb.ToGetRequestInformation(ctx, &users.ItemCalendarViewRequestBuilderGetRequestConfiguration{
		Headers: h,
		QueryParameters: &users.ItemCalendarViewRequestBuilderGetQueryParameters{
			StartDateTime: &from, EndDateTime: &to, Select: eventSelect,
		}})
	if err != nil {
		return "", fmt.Errorf("msgraph: calendarView: %w", err)
	}
	next := func(link string) (*abs.RequestInformation, error) {
		// Next pages do not inherit the first request's headers.
		return rb.WithUrl(link).ToGetRequestInformation(ctx, &users.ItemCalendarViewRequestBuilderGetRequestConfiguration{Headers: h})
	}
	err = eachPage(ctx, s, "calendarView", ri, next, func(e *graphEvent) (bool, error) {
		ce, err := calendarEntry(e, u)
		if err != nil {
			return false, err
		}
		ev, err := synthetic.EventFromEntry(s.ps, ce, loc)
		if err != nil {
			return false, err
		}
		if ev.Start.Before(start) || !ev.Start.Before(end) {
			return true, nil
		}
		ev.Source = SourceName
		at := synthetic.AttendanceFromEntry(s.ps, u.Email, ce, ev.EventID)
		return true, fn(ingest.EventCopy{Event: ev, Attendance: at})
	})
	if err != nil {
		return "", err
	}
	return u.Person.TimeZone, nil
}

// googleResponse maps a Graph response to the vocabulary of
// synthetic.Response.
func googleResponse(r string) string {
	switch r {
	case "accepted", "organizer":
		return "accepted"
	case "tentativelyAccepted":
		return "tentative"
	case "declined":
		return "declined"
	}
	return "needsAction"
}

// graphTime parses a dateTimeTimeZone asked for in UTC.
func graphTime(v *graphDateTime) (time.Time, error) {
	if v == nil || v.DateTime == nil {
		return time.Time{}, errors.New("missing")
	}
	loc := time.UTC
	if tz := v.TimeZone; tz != "" && tz != "UTC" {
		l, err := time.LoadLocation(ianaZone(tz))
		if err != nil {
			return time.Time{}, fmt.Errorf("time zone %q", tz)
		}
		loc = l
	}
	return time.ParseInLocation("2006-01-02T15:04:05.9999999", *v.DateTime, loc)
}

// calendarEntry maps one Graph event copy to the shape synthetic's
// mapping functions take. Graph has no event type: out-of-office and
// working-location blocks are known by their showAs.
func calendarEntry(e *graphEvent, u ingest.User) (synthetic.CalendarEntry, error) {
	ce := synthetic.CalendarEntry{
		ID:        e.ID,
		ICalUID:   e.ICalUID,
		AllDay:    e.IsAllDay,
		TimeZone:  u.Person.TimeZone,
		Status:    "confirmed",
		EventType: "default",
		Online:    e.IsOnlineMeeting,
		SeriesID:  e.SeriesMasterID,
	}
	if e.IsCancelled {
		ce.Status = "cancelled"
	}
	for _, t := range []struct {
		v   string
		dst *time.Time
	}{{e.OriginalStart, &ce.OriginalStart}, {e.CreatedDateTime, &ce.Created}} {
		if t.v == "" {
			continue
		}
		at, err := graphInstant(t.v)
		if err != nil {
			return ce, fmt.Errorf("msgraph: event of %s: originalStart or createdDateTime unreadable", u.Person.PersonID)
		}
		*t.dst = at.UTC()
	}
	st, err1 := graphTime(e.Start)
	en, err2 := graphTime(e.End)
	if err1 != nil || err2 != nil {
		return ce, fmt.Errorf("msgraph: event of %s: start or end unreadable", u.Person.PersonID)
	}
	if ce.AllDay {
		// A floating date: the calendar owner's local days.
		ce.StartDate, ce.EndDate = st.Format(time.DateOnly), en.Format(time.DateOnly)
	} else {
		ce.Start, ce.End = st, en
	}
	// The SDK's FreeBusyStatus: its names, and unknown values as none.
	if sa, _ := models.ParseFreeBusyStatus(e.ShowAs); sa != nil {
		ce.ShowAs = sa.(*models.FreeBusyStatus).String()
	}
	switch ce.ShowAs {
	case "oof":
		ce.EventType = "outOfOffice"
	case "workingElsewhere":
		ce.EventType = "workingLocation"
	}
	ce.Organizer = ingest.CanonicalEmail(e.Organizer.address())
	if len(e.Attendees) > 0 {
		ce.Attendees = make([]synthetic.Attendee, 0, len(e.Attendees))
	}
	for _, a := range e.Attendees {
		at := synthetic.Attendee{
			Email:          ingest.CanonicalEmail(a.Address),
			ResponseStatus: googleResponse(a.Response),
			Resource:       a.Resource,
		}
		if at.Email != "" {
			ce.Attendees = append(ce.Attendees, at)
		}
	}
	if len(ce.Attendees) == 0 {
		ce.Attendees = nil // none with an address, as if none listed
	}
	ce.SelfResponse = googleResponse(e.ResponseStatus.response())
	return ce, nil
}
