package report

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// GroupAttributes are the HR attributes an HR report can group by.
var GroupAttributes = []string{"Organization", "FunctionType", "LevelDesignation", "SupervisorIndicator", "TimeZone"}

// GroupBy returns the grouping function of an HR attribute named in
// GroupAttributes, and false for any other name.
func GroupBy(attr string) (func(dataset.PersonWeek) string, bool) {
	switch attr {
	case "Organization":
		return ByOrganization, true
	case "FunctionType":
		return func(r dataset.PersonWeek) string { return r.FunctionType }, true
	case "LevelDesignation":
		return func(r dataset.PersonWeek) string { return r.LevelDesignation }, true
	case "SupervisorIndicator":
		return func(r dataset.PersonWeek) string { return r.SupervisorIndicator }, true
	case "TimeZone":
		return func(r dataset.PersonWeek) string { return r.TimeZone }, true
	}
	return nil, false
}

// An HRInput is what NewHRReport needs: the analysis result, the people
// table it came from, and the grouping.
type HRInput struct {
	Rows         []dataset.PersonWeek
	People       []dataset.Person
	Excluded     map[string]int // analysis.Result.Excluded
	Included     int
	ReadsDropped int
	// Active holds the person_ids with at least one attendance row or
	// message in the tables analysed (for coverage); nil = unknown.
	Active map[string]bool
	// Meetings, when set, are the meetings of every person-week
	// (analysis.Meetings) for the coordination / collaboration section.
	Meetings    []analysis.WeekMeetings
	GroupBy     string // one of GroupAttributes; "" = Organization
	Config      analysis.Config
	GeneratedAt time.Time
	// Trend, when set, holds stored person_week rows of earlier weeks
	// (a weekly batch's trailing weeks). They add points to the
	// week-over-week trend only; every other figure is of Rows.
	Trend []dataset.PersonWeek
}

// An HRReport is the HR analyst's weekly batch report: the org summary with
// groups side by side, distributions, trend, after-hours, meeting hygiene,
// and a data-validation section. It holds group figures and counts only.
type HRReport struct {
	*OrgSummary

	// FocusBuckets counts people by their mean Focus_hours a week:
	// 0–10, 10–20, 20–40, 40+ (zero when the total is hidden).
	FocusBuckets [4]int
	ByWeek       []Group // one per week (Name = week)
	// Hygiene: means over people of their weekly means, hours.
	Hygiene Group // the Total, for the extra metrics
	// RecurringShare is recurring meeting hours over meeting hours, all people.
	RecurringShare float64
	// AfterHoursHeavy counts people whose mean after-hours collaboration is
	// at least 5 hours a week; WeekendWorkers those with any weekend time
	// on average at least 1 hour a week.
	AfterHoursHeavy, WeekendWorkers int

	Validation Validation

	// Kinds holds the organization's meeting hours by kind and the
	// recurring coordination series attended by at least the floor of
	// people (nil without HRInput.Meetings). Its hours are per week, summed
	// over everyone; KindsPeople is the number of people they are over.
	Kinds       *TeamReport
	KindsPeople int
}

// Validation is the data-validation section: what to check before reading
// any conclusion.
type Validation struct {
	Weeks            []WeekCheck
	InactiveWeeks    int // person-weeks with no collaboration at all
	PersonWeeks      int
	LowCollaboration int // people under 5 collaboration hours a week on average
	ShortDays        int // internal people whose working day is under 4 h
	LongDays         int // … over 15 h
	DefaultHours     int // internal people with no working-hour settings (defaults apply)
	Excluded         []RuleCount
	Included         int
	ReadsDropped     int
	// Coverage of internal people.
	Internal, External int
	NoData             int // internal people with no attendance row and no message at all
	NoScheduledHours   int // internal people with no scheduled working hours in any week
	AllWeeksInactive   int // internal people with data but no collaboration in any week
	CoverageKnown      bool
}

// A WeekCheck is one week's validation figures.
type WeekCheck struct {
	Week              string
	People            int
	MeanScheduled     float64
	MeanOOODays       float64
	MeanCollaboration float64
	Inactive          int
	Holiday           bool // likely holiday week: mean OOO ≥ 1 day or scheduled hours < 70% of the median week
}

// A RuleCount is the number of attendance rows excluded by one rule.
type RuleCount struct {
	Rule  string
	Count int
}

// Validation thresholds.
const (
	lowCollaborationHours = 5
	shortDayHours         = 4
	longDayHours          = 15
	afterHoursHeavyHours  = 5
)

// NewHRReport builds the HR report of in.
func NewHRReport(in HRInput) *HRReport {
	by, ok := GroupBy(in.GroupBy)
	if !ok {
		in.GroupBy, by = "Organization", ByOrganization
	}
	org := NewOrgSummary(in.Rows, in.Config, in.GeneratedAt)
	org.Title = "Collaboration overload: HR weekly report"
	org.GroupBy = in.GroupBy
	org.Summary = Summarize(in.Rows, by, in.Config)
	r := &HRReport{OrgSummary: org}
	r.Validation = validate(in)
	if org.Summary.Total.Hidden() {
		return r
	}
	r.Hygiene = org.Summary.Total
	r.ByWeek = Summarize(withTrend(in.Trend, in.Rows, nil), func(pw dataset.PersonWeek) string { return pw.Week }, in.Config).Groups

	type sums struct{ focus, after, weekend, n float64 }
	people := map[string]*sums{}
	var meet, rec float64
	for _, row := range in.Rows {
		p := people[row.PersonID]
		if p == nil {
			p = &sums{}
			people[row.PersonID] = p
		}
		p.focus += row.FocusHours
		p.after += row.AfterHoursCollaborationHours
		p.weekend += row.WeekendCollaborationHours
		p.n++
		meet += row.MeetingHours
		rec += row.RecurringMeetingHours
	}
	for _, p := range people {
		f := p.focus / p.n
		switch {
		case f < 10:
			r.FocusBuckets[0]++
		case f < 20:
			r.FocusBuckets[1]++
		case f < 40:
			r.FocusBuckets[2]++
		default:
			r.FocusBuckets[3]++
		}
		if p.after/p.n >= afterHoursHeavyHours {
			r.AfterHoursHeavy++
		}
		if p.weekend/p.n >= 1 {
			r.WeekendWorkers++
		}
	}
	if meet > 0 {
		r.RecurringShare = rec / meet
	}
	if in.Meetings != nil {
		r.Kinds, r.KindsPeople = orgKinds(in, r.Summary.MinGroupSize)
	}
	return r
}

// orgKinds sorts everyone's meetings by kind and finds the async
// candidates, with the team report's floor rules over the whole org.
func orgKinds(in HRInput, floor int) (*TeamReport, int) {
	everyone := map[string]bool{}
	weeks := map[string]bool{}
	for _, wm := range in.Meetings {
		everyone[wm.Row.PersonID] = true
		weeks[wm.Row.Week] = true
	}
	k := &TeamReport{Floor: floor}
	ti := TeamInput{People: in.People, Members: in.Meetings}
	ti.Weeks = make([]dataset.Week, len(weeks)) // only the count is used
	k.drivers(ti, everyone)
	return k, len(everyone)
}

func validate(in HRInput) Validation {
	v := Validation{Included: in.Included, ReadsDropped: in.ReadsDropped, PersonWeeks: len(in.Rows), CoverageKnown: in.Active != nil}
	for _, rule := range analysis.Rules {
		v.Excluded = append(v.Excluded, RuleCount{rule, in.Excluded[rule]})
	}
	type pstat struct {
		collab, n   float64
		scheduled   bool
		anyActivity bool
	}
	people := map[string]*pstat{}
	weeks := map[string]*WeekCheck{}
	for _, r := range in.Rows {
		w := weeks[r.Week]
		if w == nil {
			w = &WeekCheck{Week: r.Week}
			weeks[r.Week] = w
		}
		w.People++
		w.MeanScheduled += r.ScheduledWorkingHours
		w.MeanOOODays += float64(r.OOODays)
		w.MeanCollaboration += r.CollaborationHours
		if r.CollaborationHours == 0 {
			w.Inactive++
			v.InactiveWeeks++
		}
		p := people[r.PersonID]
		if p == nil {
			p = &pstat{}
			people[r.PersonID] = p
		}
		p.collab += r.CollaborationHours
		p.n++
		p.scheduled = p.scheduled || r.ScheduledWorkingHours > 0
		p.anyActivity = p.anyActivity || r.CollaborationHours > 0
	}
	var sched []float64
	for _, w := range weeks {
		n := float64(w.People)
		w.MeanScheduled /= n
		w.MeanOOODays /= n
		w.MeanCollaboration /= n
		v.Weeks = append(v.Weeks, *w)
		sched = append(sched, w.MeanScheduled)
	}
	slices.SortFunc(v.Weeks, func(a, b WeekCheck) int { return cmp.Compare(a.Week, b.Week) })
	if len(sched) > 0 {
		slices.Sort(sched)
		med := quantile(sched, 0.5)
		for i := range v.Weeks {
			w := &v.Weeks[i]
			w.Holiday = w.MeanOOODays >= 1 || w.MeanScheduled < 0.7*med
		}
	}
	for _, p := range people {
		if p.collab/p.n < lowCollaborationHours {
			v.LowCollaboration++
		}
	}
	for _, p := range in.People {
		if !p.IsInternal {
			v.External++
			continue
		}
		v.Internal++
		if p.WorkStart == "" && p.WorkEnd == "" {
			v.DefaultHours++
		}
		if h, ok := dayLength(p.WorkStart, p.WorkEnd); ok {
			if h < shortDayHours {
				v.ShortDays++
			} else if h > longDayHours {
				v.LongDays++
			}
		}
		if in.Active != nil && !in.Active[p.PersonID] {
			v.NoData++
			continue
		}
		if st := people[p.PersonID]; st != nil {
			if !st.scheduled {
				v.NoScheduledHours++
			} else if !st.anyActivity {
				v.AllWeeksInactive++
			}
		}
	}
	return v
}

// dayLength returns the hours between two "HH:MM" times (defaults 09:00 and
// 17:00; an end at or before the start is an overnight shift).
func dayLength(start, end string) (float64, bool) {
	if start == "" {
		start = "09:00"
	}
	if end == "" {
		end = "17:00"
	}
	s, ok1 := clockMinutes(start)
	e, ok2 := clockMinutes(end)
	if !ok1 || !ok2 {
		return 0, false
	}
	if e <= s {
		e += 24 * 60
	}
	return float64(e-s) / 60, true
}

func clockMinutes(hhmm string) (int, bool) {
	h, m, ok := strings.Cut(hhmm, ":")
	if !ok {
		return 0, false
	}
	hi, err1 := strconv.Atoi(h)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hi < 0 || hi > 24 || mi < 0 || mi > 59 {
		return 0, false
	}
	return hi*60 + mi, true
}

// ActivePeople returns the person_ids that hold at least one attendance row
// or message in t, for HRInput.Active.
func ActivePeople(t *dataset.Tables) map[string]bool {
	active := map[string]bool{}
	for _, a := range t.Attendance {
		active[a.PersonID] = true
	}
	for _, m := range t.Messages {
		active[m.SenderID] = true
		for _, r := range m.RecipientIDs {
			active[r] = true
		}
	}
	return active
}

// withTrend returns rows preceded by the rows of trend whose week is not
// in rows (and, with keep set, whose person keep accepts).
func withTrend(trend, rows []dataset.PersonWeek, keep func(string) bool) []dataset.PersonWeek {
	if len(trend) == 0 {
		return rows
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Week] = true
	}
	var out []dataset.PersonWeek
	for _, r := range trend {
		if !have[r.Week] && (keep == nil || keep(r.PersonID)) {
			out = append(out, r)
		}
	}
	return append(out, rows...)
}
