// Package ics imports an employee's own calendar export — an iCalendar
// (.ics, RFC 5545) file from Google Calendar, Outlook or Exchange — as
// events and the owner's attendance rows.
//
// Recurring events are expanded: RRULE (COUNT, UNTIL, including Google's
// date-only UNTIL), RDATE, EXDATE and RECURRENCE-ID overrides, with
// cancelled instances kept as cancelled rows. Times are resolved through
// IANA zone names, Windows zone names and display names as Outlook writes
// them (mapped with the CLDR windowsZones table), vendor-prefixed names,
// and the file's own VTIMEZONE rules; floating times and all-day events
// are placed in the owner's zone, all-day events from local midnight to
// local midnight (SPEC §8.9).
//
// Titles are never kept: only their allow-listed class. Descriptions,
// locations and attendee names are never read into rows.
//
// Content lines are parsed here (unfolding, quoted parameters, line
// numbers for errors); recurrence rules are expanded by
// github.com/teambition/rrule-go.
package ics
