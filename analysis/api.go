package analysis

import (
	"context"

	"github.com/overload-engine/overload/dataset"
)

// Exclusion rules, in the order SPEC §4 applies them. An attendance row is
// counted under the first rule it breaks.
const (
	RuleCancelled  = "cancelled"
	RuleNotMeeting = "not_a_meeting" // kind is focus, out_of_office or working_location
	RuleAllDay     = "all_day"
	RuleLength     = "length"   // lasts 0 or more than max_meeting_hours
	RuleAlone      = "alone"    // attendees_not_declined < 2
	RuleResponse   = "response" // declined, needs_action (or tentative unless count_tentative)
	RuleShowAsFree = "show_as_free"
	RuleOOODay     = "ooo_day"
)

// Rules lists the exclusion rules in order.
var Rules = []string{RuleCancelled, RuleNotMeeting, RuleAllDay, RuleLength, RuleAlone, RuleResponse, RuleShowAsFree, RuleOOODay}

// A Result is the outcome of Run.
type Result struct {
	Weeks []dataset.Week
	Rows  []dataset.PersonWeek // sorted by Week, then PersonID
	// Excluded counts excluded attendance rows per rule (keys from Rules),
	// over every person-week analysed.
	Excluded map[string]int
	// Included counts attendance rows that became meetings.
	Included int
	// ReadsDropped counts received messages whose read did not fit in the week.
	ReadsDropped int
}

var _ = context.Background
