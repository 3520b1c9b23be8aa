package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// Organizer roles, as a team report names who organizes the team's meeting
// load (never a name).
const (
	RoleManager  = "you (the manager)"
	RoleTeam     = "someone in your team"
	RoleOrg      = "someone elsewhere in the organization"
	RoleExternal = "someone outside the organization"
	RoleUnknown  = "unknown organizer"
	RoleOther    = "roles with too few team members to show"
)

// A TeamInput is what NewTeamReport needs: the organization's people, the
// manager, and the meetings of each team member's weeks from
// analysis.Meetings (team members only).
type TeamInput struct {
	People      []dataset.Person
	ManagerID   string
	Weeks       []dataset.Week
	Members     []analysis.WeekMeetings
	Config      analysis.Config
	GeneratedAt time.Time
	Title       string // "" = "Team overload summary"
	// Trend, when set, holds stored person_week rows of earlier weeks
	// (anyone's: team members are picked here). They add points to the
	// weekly trend only; every other figure is of Members.
	Trend []dataset.PersonWeek
}

// A TeamReport is a manager's overload summary of their team (direct and
// indirect reports) as one group (SPEC §6). When the team has fewer than
// the privacy floor, Hidden is set and every figure is zero.
type TeamReport struct {
	Title       string
	GeneratedAt time.Time
	Weeks       []string
	Floor       int
	TeamSize    int // people under the manager (shown only when not Hidden)
	Hidden      bool

	AboveTypicalShare, OverloadedShare, CreationReference float64

	Team    Group   // figures of the whole team
	ByWeek  []Group // one per week, Name is the week
	Drivers []Driver
	// OtherHours is the team's meeting hours in meetings and series that
	// fewer than Floor team members attend (not listed one by one).
	OtherHours float64
	Roles      []RoleHours
	// Kinds: team meeting hours by MeetingKind.
	CoordinationHours, CollaborationHours float64
	// AsyncCandidates are the Drivers that are recurring coordination
	// series, by hours returned.
	AsyncCandidates   []Driver
	TotalMeetingHours float64 // team meeting hours before overlaps
}

// A Driver is one recurring series or one-off meeting seen across the team.
// Hours are team hours per week: the sum over team members of the time it
// took, divided by the weeks covered.
type Driver struct {
	Label         string // "series 3f2a91" or "meeting 77ab01"
	SeriesID      string
	Recurring     bool
	TitleClass    string
	Minutes       float64 // typical length
	Invitees      int32   // largest number of invitees
	Occurrences   int
	TeamMembers   int
	HoursPerWeek  float64
	ReturnPerWeek float64 // hours a week an async update would return
	Role          string
	Kind          MeetingKind
	Why           string
}

// RoleHours is the team's meeting hours per week by organizer role.
type RoleHours struct {
	Role         string
	HoursPerWeek float64
	Share        float64
}

// TeamOf returns the person_ids of everyone under manager (direct and
// indirect reports, not the manager), sorted. Cycles in manager_id are
// tolerated.
func TeamOf(people []dataset.Person, manager string) []string {
	reports := map[string][]string{}
	for _, p := range people {
		if p.ManagerID != "" && p.ManagerID != p.PersonID {
			reports[p.ManagerID] = append(reports[p.ManagerID], p.PersonID)
		}
	}
	seen := map[string]bool{manager: true}
	var team []string
	queue := []string{manager}
	for len(queue) > 0 {
		m := queue[0]
		queue = queue[1:]
		for _, r := range reports[m] {
			if !seen[r] {
				seen[r] = true
				team = append(team, r)
				queue = append(queue, r)
			}
		}
	}
	slices.Sort(team)
	return team
}

// NewTeamReport builds the team summary with the privacy rules of SPEC §6:
// below the floor nothing is shown; a series or meeting is listed only when
// at least Floor team members attend it, and an organizer role only when at
// least Floor team members attend meetings it organized.
func NewTeamReport(in TeamInput) *TeamReport {
	th := thresholdsOf(in.Config)
	r := &TeamReport{
		Title: in.Title, GeneratedAt: in.GeneratedAt, Floor: th.minGroupSize,
		AboveTypicalShare: th.aboveTypical, OverloadedShare: th.overloaded, CreationReference: th.creation,
	}
	if r.Title == "" {
		r.Title = "Team overload summary"
	}
	for _, w := range in.Weeks {
		r.Weeks = append(r.Weeks, w.String())
	}
	team := TeamOf(in.People, in.ManagerID)
	inTeam := map[string]bool{}
	for _, id := range team {
		inTeam[id] = true
	}
	var rows []dataset.PersonWeek
	for _, wm := range in.Members {
		if inTeam[wm.Row.PersonID] {
			rows = append(rows, wm.Row)
		}
	}
	sum := Summarize(rows, func(dataset.PersonWeek) string { return "Team" }, in.Config)
	if sum.Total.Hidden() {
		r.Hidden = true
		return r
	}
	r.TeamSize = sum.Total.People
	r.Team = sum.Total
	r.Team.Name = "Your team"
	weekly := Summarize(withTrend(in.Trend, rows, func(id string) bool { return inTeam[id] }), func(pw dataset.PersonWeek) string { return pw.Week }, in.Config)
	r.ByWeek = weekly.Groups
	r.drivers(in, inTeam)
	return r
}

type driverAcc struct {
	d       Driver
	events  map[string]bool
	members map[string]bool
	hours   float64
	ret     float64
	minutes []float64
}

func (r *TeamReport) drivers(in TeamInput, inTeam map[string]bool) {
	internal := map[string]bool{}
	for _, p := range in.People {
		if p.IsInternal {
			internal[p.PersonID] = true
		}
	}
	role := func(org string) string {
		switch {
		case org == "":
			return RoleUnknown
		case org == in.ManagerID:
			return RoleManager
		case inTeam[org]:
			return RoleTeam
		case internal[org]:
			return RoleOrg
		}
		return RoleExternal
	}
	weeks := float64(max(1, len(in.Weeks)))
	accs := map[string]*driverAcc{}
	roleHours := map[string]float64{}
	roleMembers := map[string]map[string]bool{}
	for _, wm := range in.Members {
		pid := wm.Row.PersonID
		if !inTeam[pid] {
			continue
		}
		for _, m := range wm.Meetings {
			r.TotalMeetingHours += m.ClippedHours
			kind, why := Classify(m)
			if kind == Coordination {
				r.CoordinationHours += m.ClippedHours
			} else {
				r.CollaborationHours += m.ClippedHours
			}
			ro := role(m.OrganizerID)
			roleHours[ro] += m.ClippedHours
			if roleMembers[ro] == nil {
				roleMembers[ro] = map[string]bool{}
			}
			roleMembers[ro][pid] = true
			key, label := "s:"+m.SeriesID, "series "+short(m.SeriesID)
			if m.SeriesID == "" {
				key, label = "e:"+m.EventID, "meeting "+short(m.EventID)
			}
			a := accs[key]
			if a == nil {
				a = &driverAcc{d: Driver{Label: label, SeriesID: m.SeriesID, Recurring: m.Recurring, TitleClass: m.TitleClass,
					Role: ro, Kind: kind, Why: why}, events: map[string]bool{}, members: map[string]bool{}}
				accs[key] = a
			}
			if !a.events[m.EventID] {
				a.events[m.EventID] = true
				a.minutes = append(a.minutes, m.End.Sub(m.Start).Minutes())
			}
			a.members[pid] = true
			a.d.Invitees = max(a.d.Invitees, m.Invitees)
			a.hours += m.ClippedHours
			if AsyncCandidate(m) {
				a.ret += asyncReturn(m)
			}
		}
	}
	for _, a := range accs {
		if len(a.members) < r.Floor {
			r.OtherHours += a.hours / weeks
			continue
		}
		d := a.d
		d.Occurrences = len(a.events)
		d.TeamMembers = len(a.members)
		d.HoursPerWeek = a.hours / weeks
		d.ReturnPerWeek = a.ret / weeks
		slices.Sort(a.minutes)
		d.Minutes = a.minutes[len(a.minutes)/2]
		r.Drivers = append(r.Drivers, d)
		if d.ReturnPerWeek > 0 {
			r.AsyncCandidates = append(r.AsyncCandidates, d)
		}
	}
	slices.SortFunc(r.Drivers, func(a, b Driver) int {
		return cmp.Or(cmp.Compare(b.HoursPerWeek, a.HoursPerWeek), cmp.Compare(a.Label, b.Label))
	})
	slices.SortFunc(r.AsyncCandidates, func(a, b Driver) int {
		return cmp.Or(cmp.Compare(b.ReturnPerWeek, a.ReturnPerWeek), cmp.Compare(a.Label, b.Label))
	})
	total := 0.0
	for _, h := range roleHours {
		total += h
	}
	other := 0.0
	for _, ro := range []string{RoleManager, RoleTeam, RoleOrg, RoleExternal, RoleUnknown} {
		h, ok := roleHours[ro]
		if !ok {
			continue
		}
		if ro != RoleManager && len(roleMembers[ro]) < r.Floor {
			other += h
			continue
		}
		r.Roles = append(r.Roles, RoleHours{Role: ro, HoursPerWeek: h / weeks, Share: h / total})
	}
	if other > 0 {
		r.Roles = append(r.Roles, RoleHours{Role: RoleOther, HoursPerWeek: other / weeks, Share: other / total})
	}
	r.TotalMeetingHours /= weeks
	r.CoordinationHours /= weeks
	r.CollaborationHours /= weeks
}

// short returns the first 6 characters of a pseudonymous id, enough to find
// a series again in the dataset.
func short(id string) string {
	if len(id) > 6 {
		return id[:6]
	}
	return id
}
