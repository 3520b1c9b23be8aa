package report

import "github.com/overload-engine/overload/dataset"

// Further metrics Summarize computes for the HR, manager and personal
// reports (not listed by Metrics, which the org summary shows in full).
const (
	WeekendCollaborationHours   Metric = "Weekend_collaboration_hours"
	AfterHoursMeetingHours      Metric = "After_hours_meeting_hours"
	MultitaskingHours           Metric = "Multitasking_hours"
	ConflictingMeetingHours     Metric = "Conflicting_meeting_hours"
	RecurringMeetingHours       Metric = "Recurring_meeting_hours"
	MeetingHoursWithManager     Metric = "Meeting_hours_with_manager"
	MeetingHoursWithManager1On1 Metric = "Meeting_hours_with_manager_1_1"
	SmallAndShortMeetingHours   Metric = "Small_and_short_meeting_hours"
	SmallAndLongMeetingHours    Metric = "Small_and_long_meeting_hours"
	LargeAndShortMeetingHours   Metric = "Large_and_short_meeting_hours"
	LargeAndLongMeetingHours    Metric = "Large_and_long_meeting_hours"
	UninterruptedHours          Metric = "Uninterrupted_hours"
	FragmentedHours             Metric = "Fragmented_hours"
	AvailableToFocusHours       Metric = "Available_to_focus_hours"
	OOODays                     Metric = "OOO_days"
)

// extraValue returns the further metrics of r.
func extraValue(m Metric, r dataset.PersonWeek) (float64, bool) {
	switch m {
	case WeekendCollaborationHours:
		return r.WeekendCollaborationHours, true
	case AfterHoursMeetingHours:
		return r.AfterHoursMeetingHours, true
	case MultitaskingHours:
		return r.MultitaskingHours, true
	case ConflictingMeetingHours:
		return r.ConflictingMeetingHours, true
	case RecurringMeetingHours:
		return r.RecurringMeetingHours, true
	case MeetingHoursWithManager:
		return r.MeetingHoursWithManager, true
	case MeetingHoursWithManager1On1:
		return r.MeetingHoursWithManager1On1, true
	case SmallAndShortMeetingHours:
		return r.SmallAndShortMeetingHours, true
	case SmallAndLongMeetingHours:
		return r.SmallAndLongMeetingHours, true
	case LargeAndShortMeetingHours:
		return r.LargeAndShortMeetingHours, true
	case LargeAndLongMeetingHours:
		return r.LargeAndLongMeetingHours, true
	case UninterruptedHours:
		return r.UninterruptedHours, true
	case FragmentedHours:
		return r.FragmentedHours, true
	case AvailableToFocusHours:
		return r.AvailableToFocusHours, true
	case OOODays:
		return float64(r.OOODays), true
	}
	return 0, false
}
