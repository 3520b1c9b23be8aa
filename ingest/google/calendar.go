package google

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/api/calendar/v3"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// eventFields is the Calendar partial-response mask: no summary,
// description, location or attachments.
const eventFields = "nextPageToken,timeZone,items(id,iCalUID,status,eventType,transparency,start,end," +
	"recurringEventId,originalStartTime,created,organizer(email,self)," +
	"attendees(email,responseStatus,resource,organizer,self,optional),hangoutLink,conferenceData/conferenceSolution/key/type)"

// Calendar implements ingest.Source: u's primary calendar, recurring events
// expanded (singleEvents), cancelled instances included (showDeleted).
func (s *Source) Calendar(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.EventCopy) error) (_ string, err error) {
	hc, done, err := s.userClient(u.Email)
	if err != nil {
		return "", err
	}
	defer done()
	defer s.calPacer.Forget(u.Email)
	svc, err := calendar.NewService(ctx, endpointOpts(hc, s.cfg.Endpoints.Calendar)...)
	if err != nil {
		return "", fmt.Errorf("google: calendar client: %w", err)
	}
	call := svc.Events.List(u.Email).SingleEvents(true).ShowDeleted(true).MaxResults(2500).
		TimeMin(start.UTC().Format(time.RFC3339)).TimeMax(end.UTC().Format(time.RFC3339)).
		Fields(eventFields)
	var tz string
	for token := ""; ; {
		call.PageToken(token)
		var page *calendar.Events
		err := s.do(ctx, s.calPacer, u.Email, 1, func(ctx context.Context) (err error) {
			page, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return "", fmt.Errorf("list events: %w", stripURL(err))
		}
		if page.TimeZone != "" {
			tz = page.TimeZone
		}
		loc, err := time.LoadLocation(tz)
		if err != nil {
			loc = time.UTC
		}
		for _, it := range page.Items {
			c, ok, err := s.eventCopy(u, it, loc, tz)
			if err != nil {
				s.log.Warn("event skipped", ingest.LogKeyPerson, u.Person.PersonID, ingest.LogKeyError, err.Error())
				continue
			}
			if !ok || c.Event.Start.Before(start) || !c.Event.Start.Before(end) {
				continue
			}
			if err := fn(c); err != nil {
				return "", err
			}
		}
		if token = page.NextPageToken; token == "" {
			return tz, nil
		}
	}
}

// eventCopy maps one item of u's calendar to an events row and u's
// attendance row, through the same functions as synthetic.Org.Tables.
func (s *Source) eventCopy(u ingest.User, it *calendar.Event, loc *time.Location, tz string) (ingest.EventCopy, bool, error) {
	e := synthetic.CalendarEntry{
		ID: it.Id, ICalUID: it.ICalUID, SeriesID: it.RecurringEventId, TimeZone: tz,
		Status: it.Status, Transparency: it.Transparency, EventType: it.EventType,
		Online: it.HangoutLink != "" || it.ConferenceData != nil,
	}
	if e.Transparency == "" {
		e.Transparency = "opaque"
	}
	if e.EventType == "" {
		e.EventType = "default"
	}
	if e.ICalUID == "" {
		e.ICalUID = it.Id
	}
	if it.Organizer != nil {
		e.Organizer = ingest.CanonicalEmail(it.Organizer.Email)
	}
	if it.Created != "" {
		if t, err := time.Parse(time.RFC3339, it.Created); err == nil {
			e.Created = t
		}
	}
	if o := it.OriginalStartTime; o != nil {
		t, err := parseEventTime(o)
		if err != nil {
			return ingest.EventCopy{}, false, fmt.Errorf("event %s: originalStartTime: %w", it.Id, err)
		}
		e.OriginalStart = t
	}
	switch {
	case it.Start != nil && it.Start.Date != "" && it.End != nil:
		e.AllDay, e.StartDate, e.EndDate = true, it.Start.Date, it.End.Date
	case it.Start != nil && it.End != nil:
		var err error
		if e.Start, err = parseEventTime(it.Start); err != nil {
			return ingest.EventCopy{}, false, fmt.Errorf("event %s: start: %w", it.Id, err)
		}
		if e.End, err = parseEventTime(it.End); err != nil {
			return ingest.EventCopy{}, false, fmt.Errorf("event %s: end: %w", it.Id, err)
		}
	case !e.OriginalStart.IsZero():
		// A cancelled instance may carry only its slot in the series.
		e.Start, e.End = e.OriginalStart, e.OriginalStart
	default:
		return ingest.EventCopy{}, false, nil // a tombstone with nothing to place
	}
	isOrg := e.Organizer == u.Email || (it.Organizer != nil && it.Organizer.Self)
	if isOrg && e.Organizer == "" {
		e.Organizer = u.Email
	}
	e.SelfResponse = "accepted"
	for _, a := range it.Attendees {
		email := ingest.CanonicalEmail(a.Email)
		e.Attendees = append(e.Attendees, synthetic.Attendee{
			Email: email, ResponseStatus: a.ResponseStatus, Organizer: a.Organizer,
			Resource: a.Resource, Optional: a.Optional,
		})
		if !isOrg && (a.Self || email == u.Email) {
			e.SelfResponse = a.ResponseStatus
		}
	}
	ev, err := synthetic.EventFromEntry(s.ps, e, loc)
	if err != nil {
		return ingest.EventCopy{}, false, err
	}
	ev.Source = SourceName
	att := synthetic.AttendanceFromEntry(s.ps, u.Email, e, ev.EventID)
	att.ShowAs = synthetic.ShowAsFromGoogle(e.EventType, e.Transparency, e.SelfResponse)
	return ingest.EventCopy{Event: ev, Attendance: att}, true, nil
}

// parseEventTime returns the instant of a Calendar time: dateTime, or for a
// date-only value its midnight in UTC (the instance key of all-day events).
func parseEventTime(t *calendar.EventDateTime) (time.Time, error) {
	if t.DateTime != "" {
		return time.Parse(time.RFC3339, t.DateTime)
	}
	return time.Parse(time.DateOnly, t.Date)
}
