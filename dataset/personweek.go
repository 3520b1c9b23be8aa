package dataset

import "time"

// Overload bands (person_week.Overload_band).
const (
	BandOverloaded   = "overloaded"
	BandAboveTypical = "above_typical"
	BandWithin       = "within"
)

// Supervisor indicators (person_week.SupervisorIndicator).
const (
	SupervisorIC          = "IC"
	SupervisorManager     = "Manager"
	SupervisorManagerPlus = "Manager+"
)

// A PersonWeek is one row of the person_week table: the metrics of SPEC §5
// for one person and one week. Column names follow Microsoft Viva Insights'
// person query (see PersonWeekSchema); hours are float64, counts int32.
//
// Shares and the band are undefined (HasShares false, stored as null) when
// ScheduledWorkingHours is 0.
type PersonWeek struct {
	PersonID            string
	MetricDate          time.Time // the local first day of the week, as a date (UTC midnight)
	Week                string    // the ISO week analysed, e.g. "2026-W47"
	Organization        string
	FunctionType        string
	LevelDesignation    string
	SupervisorIndicator string
	ManagerID           string
	TimeZone            string

	ScheduledWorkingHours float64
	OOODays               int32

	MeetingHours            float64
	Meetings                int32
	ConflictingMeetingHours float64
	EmailHours              float64
	EmailsSent              int32
	EmailsReceived          int32
	ChatHours               float64
	ChatsSent               int32
	ChatsReceived           int32
	ReadsDropped            int32

	CollaborationHours             float64
	MultitaskingHours              float64
	WorkingHoursCollaborationHours float64
	AfterHoursCollaborationHours   float64
	WorkingHoursMeetingHours       float64
	AfterHoursMeetingHours         float64
	WorkingHoursEmailHours         float64
	AfterHoursEmailHours           float64
	WeekendCollaborationHours      float64

	AvailableToFocusHours float64
	UninterruptedHours    float64
	FocusHours            float64
	FragmentedHours       float64
	CollaborationSpan     float64
	ActiveConnectedHours  float64

	MeetingHoursWithManager       float64
	MeetingHoursWithManager1On1   float64
	SmallAndShortMeetingHours     float64
	SmallAndLongMeetingHours      float64
	LargeAndShortMeetingHours     float64
	LargeAndLongMeetingHours      float64
	RecurringMeetingHours         float64
	GeneratedWorkloadMeetingHours float64

	HasShares          bool
	CollaborationShare float64 // fraction, e.g. 0.85
	CreationShare      float64 // fraction
	OverloadBand       string  // "" when HasShares is false
}
