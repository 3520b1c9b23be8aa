package report

import (
	"fmt"

	"github.com/overload-engine/overload/analysis"
)

// A MeetingKind says what a meeting is for, judged from its shape alone.
type MeetingKind string

// Meeting kinds (issue: coordinate by default, collaborate on purpose).
const (
	// Coordination meetings move information: status updates, hand-offs,
	// planning, broadcasts. Much of it can be written down instead.
	Coordination MeetingKind = "coordination"
	// Collaboration meetings make something together: problem-solving,
	// workshops, 1:1s. They are what meetings are for.
	Collaboration MeetingKind = "collaboration"
)

// Title classes (the allow-list of ingest) that decide a meeting's kind
// before its shape does.
var (
	coordinationClasses  = map[string]bool{"standup": true, "all hands": true, "training": true}
	collaborationClasses = map[string]bool{"1:1": true, "workshop": true, "interview": true, "offsite": true}
)

// Shape thresholds of Classify.
const (
	// CoordinationMaxMinutes: a recurring meeting of 3 or more people this
	// long or shorter is a status or planning slot.
	CoordinationMaxMinutes = 60
	// BroadcastMinInvitees: a meeting this large is a broadcast, whatever
	// its length.
	BroadcastMinInvitees = 9
	// AsyncReadMinutes is the time each attendee is assumed to spend on the
	// written update that replaces one occurrence of an async candidate.
	AsyncReadMinutes = 5
)

// ClassificationRule explains Classify to readers; reports print it.
const ClassificationRule = `Meetings are classified from their shape only — never their titles or content. ` +
	`Collaboration: 1:1s (two invitees); meetings whose allow-listed title class is 1:1, workshop, interview or offsite; ` +
	`and small (3–8 invitees) meetings that are either one-off or longer than an hour — working sessions. ` +
	`Coordination: meetings whose title class is standup, all hands or training; meetings of 9 or more invitees (broadcasts); ` +
	`and recurring meetings of 3 or more invitees lasting an hour or less (status updates, hand-offs, planning). ` +
	`Recurring coordination meetings are listed as candidates for an asynchronous written update; ` +
	`the hours they would return assume each attendee spends 5 minutes reading the update instead.`

// Classify returns m's kind and the shape that decided it.
func Classify(m analysis.Meeting) (MeetingKind, string) {
	minutes := m.End.Sub(m.Start).Minutes()
	switch {
	case m.Invitees == 2:
		return Collaboration, "1:1"
	case collaborationClasses[m.TitleClass]:
		return Collaboration, "title class " + m.TitleClass
	case coordinationClasses[m.TitleClass]:
		return Coordination, "title class " + m.TitleClass
	case m.Invitees >= BroadcastMinInvitees:
		return Coordination, fmt.Sprintf("%d invitees: a broadcast", m.Invitees)
	case m.Recurring && minutes <= CoordinationMaxMinutes:
		return Coordination, fmt.Sprintf("recurring, %.0f min, %d invitees: a status slot", minutes, m.Invitees)
	case m.Recurring:
		return Collaboration, fmt.Sprintf("recurring but %.0f min long: a working session", minutes)
	}
	return Collaboration, fmt.Sprintf("one-off, %d invitees: a working session", m.Invitees)
}

// AsyncCandidate reports whether m is a recurring coordination meeting that
// a written update could replace.
func AsyncCandidate(m analysis.Meeting) bool {
	k, _ := Classify(m)
	return k == Coordination && m.Recurring && m.Invitees > 2
}

// asyncReturn is the hours a person gets back when one occurrence of m is
// replaced by a written update.
func asyncReturn(m analysis.Meeting) float64 {
	return max(0, m.ClippedHours-AsyncReadMinutes/60.0)
}
