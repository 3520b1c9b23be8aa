package dataset

import "time"

// personWeekTable declares the person_week columns in Viva Insights
// person-query names (SPEC §2, §5, §8.8). Shares and the band are null when
// HasShares is false.
var personWeekTable = newTable(TablePersonWeek,
	stringCol("PersonId", false, "pseudonymous person id (people.person_id)", func(r *PersonWeek) *string { return &r.PersonID }),
	dateCol("MetricDate", "first local day of the week (Monday; Sunday for preset viva)", func(r *PersonWeek) *time.Time { return &r.MetricDate }),
	stringCol("Week", true, "ISO week analysed, e.g. \"2026-W47\"", func(r *PersonWeek) *string { return &r.Week }),
	stringCol("Organization", false, "HR organization", func(r *PersonWeek) *string { return &r.Organization }),
	stringCol("FunctionType", false, "HR function", func(r *PersonWeek) *string { return &r.FunctionType }),
	stringCol("LevelDesignation", false, "HR level", func(r *PersonWeek) *string { return &r.LevelDesignation }),
	stringCol("SupervisorIndicator", false, "IC | Manager | Manager+", func(r *PersonWeek) *string { return &r.SupervisorIndicator }),
	stringCol("ManagerId", false, "person id of the manager", func(r *PersonWeek) *string { return &r.ManagerID }),
	stringCol("TimeZone", false, "IANA time zone the week was measured in", func(r *PersonWeek) *string { return &r.TimeZone }),
	float64Col("Scheduled_working_hours", "|WH|: working hours in the week, OOO days excluded", func(r *PersonWeek) *float64 { return &r.ScheduledWorkingHours }),
	int32Col("Ooo_days", "out-of-office working days", func(r *PersonWeek) *int32 { return &r.OOODays }),
	float64Col("Meeting_hours", "|union of meetings|", func(r *PersonWeek) *float64 { return &r.MeetingHours }),
	int32Col("Meetings", "meetings that start in the week", func(r *PersonWeek) *int32 { return &r.Meetings }),
	float64Col("Conflicting_meeting_hours", "sum of meeting lengths minus Meeting_hours", func(r *PersonWeek) *float64 { return &r.ConflictingMeetingHours }),
	float64Col("Email_hours", "|union of email send blocks and placed reads|", func(r *PersonWeek) *float64 { return &r.EmailHours }),
	int32Col("Emails_sent", "emails sent (non-auto, to someone else)", func(r *PersonWeek) *int32 { return &r.EmailsSent }),
	int32Col("Emails_received", "non-auto emails received", func(r *PersonWeek) *int32 { return &r.EmailsReceived }),
	float64Col("Chat_hours", "|union of chat send blocks and placed reads|", func(r *PersonWeek) *float64 { return &r.ChatHours }),
	int32Col("Chats_sent", "chat messages sent", func(r *PersonWeek) *int32 { return &r.ChatsSent }),
	int32Col("Chats_received", "non-auto chat messages received", func(r *PersonWeek) *int32 { return &r.ChatsReceived }),
	int32Col("Reads_dropped", "reads that did not fit before the week ended", func(r *PersonWeek) *int32 { return &r.ReadsDropped }),
	float64Col("Collaboration_hours", "|union of meetings, email and chat time|", func(r *PersonWeek) *float64 { return &r.CollaborationHours }),
	float64Col("Multitasking_hours", "|sent email and chat blocks inside meetings|", func(r *PersonWeek) *float64 { return &r.MultitaskingHours }),
	float64Col("Working_hours_collaboration_hours", "collaboration inside working hours", func(r *PersonWeek) *float64 { return &r.WorkingHoursCollaborationHours }),
	float64Col("After_hours_collaboration_hours", "collaboration outside working hours", func(r *PersonWeek) *float64 { return &r.AfterHoursCollaborationHours }),
	float64Col("Working_hours_meeting_hours", "meeting hours inside working hours", func(r *PersonWeek) *float64 { return &r.WorkingHoursMeetingHours }),
	float64Col("After_hours_meeting_hours", "meeting hours outside working hours", func(r *PersonWeek) *float64 { return &r.AfterHoursMeetingHours }),
	float64Col("Working_hours_email_hours", "email hours inside working hours", func(r *PersonWeek) *float64 { return &r.WorkingHoursEmailHours }),
	float64Col("After_hours_email_hours", "email hours outside working hours", func(r *PersonWeek) *float64 { return &r.AfterHoursEmailHours }),
	float64Col("Weekend_collaboration_hours", "collaboration on local Saturday and Sunday", func(r *PersonWeek) *float64 { return &r.WeekendCollaborationHours }),
	float64Col("Available_to_focus_hours", "|WH minus meetings|", func(r *PersonWeek) *float64 { return &r.AvailableToFocusHours }),
	float64Col("Uninterrupted_hours", "pieces of WH minus collaboration of 60 min or more", func(r *PersonWeek) *float64 { return &r.UninterruptedHours }),
	float64Col("Focus_hours", "pieces of WH minus meetings of focus_minutes (120) or more", func(r *PersonWeek) *float64 { return &r.FocusHours }),
	float64Col("Fragmented_hours", "pieces of WH minus meetings shorter than 60 min", func(r *PersonWeek) *float64 { return &r.FragmentedHours }),
	float64Col("Collaboration_span", "per local day, first to last provable activity, summed", func(r *PersonWeek) *float64 { return &r.CollaborationSpan }),
	float64Col("Active_connected_hours", "0.5 x local half-hours with meeting time or a sent message", func(r *PersonWeek) *float64 { return &r.ActiveConnectedHours }),
	float64Col("Meeting_hours_with_manager", "meeting hours the manager also attends", func(r *PersonWeek) *float64 { return &r.MeetingHoursWithManager }),
	float64Col("Meeting_hours_with_manager_1_1", "meeting hours with the manager, invitees == 2", func(r *PersonWeek) *float64 { return &r.MeetingHoursWithManager1On1 }),
	float64Col("Small_and_short_meeting_hours", "meetings with <= 8 invitees lasting <= 1 h", func(r *PersonWeek) *float64 { return &r.SmallAndShortMeetingHours }),
	float64Col("Small_and_long_meeting_hours", "meetings with <= 8 invitees lasting > 1 h", func(r *PersonWeek) *float64 { return &r.SmallAndLongMeetingHours }),
	float64Col("Large_and_short_meeting_hours", "meetings with >= 9 invitees lasting <= 1 h", func(r *PersonWeek) *float64 { return &r.LargeAndShortMeetingHours }),
	float64Col("Large_and_long_meeting_hours", "meetings with >= 9 invitees lasting > 1 h", func(r *PersonWeek) *float64 { return &r.LargeAndLongMeetingHours }),
	float64Col("Recurring_meeting_hours", "|union of recurring meetings|", func(r *PersonWeek) *float64 { return &r.RecurringMeetingHours }),
	float64Col("Generated_workload_meeting_hours", "sum over meetings organized and attended of length x (attendees_not_declined - 1)", func(r *PersonWeek) *float64 { return &r.GeneratedWorkloadMeetingHours }),
	optFloat64Col("Collaboration_share", "Collaboration_hours / Scheduled_working_hours (fraction); null when Scheduled_working_hours is 0", func(r *PersonWeek) *float64 { return &r.CollaborationShare }, func(r *PersonWeek) *bool { return &r.HasShares }),
	optFloat64Col("Creation_share", "(Scheduled_working_hours - Working_hours_collaboration_hours) / Scheduled_working_hours; null when Scheduled_working_hours is 0", func(r *PersonWeek) *float64 { return &r.CreationShare }, func(r *PersonWeek) *bool { return &r.HasShares }),
	stringCol("Overload_band", true, "overloaded | above_typical | within; null when Scheduled_working_hours is 0", func(r *PersonWeek) *string { return &r.OverloadBand }),
)

// PersonWeekColumns returns the person_week column names, in order.
func PersonWeekColumns() []string { return personWeekTable.columns() }

// Values returns r's values in PersonWeekColumns order, for CSV and
// spreadsheet writers: string, int32 or float64, with MetricDate formatted
// "2006-01-02" and nil for the null shares and band when HasShares is false.
func (r PersonWeek) Values() []any { return personWeekTable.values(&r) }
