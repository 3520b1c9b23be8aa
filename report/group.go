package report

import (
	"cmp"
	"math"
	"slices"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// A Metric is a person_week column summarized per group, named as in the
// Viva Insights person query.
type Metric string

// The metrics Summarize computes, in display order.
const (
	CollaborationShare           Metric = "Collaboration_share"
	CreationShare                Metric = "Creation_share"
	CollaborationHours           Metric = "Collaboration_hours"
	MeetingHours                 Metric = "Meeting_hours"
	EmailHours                   Metric = "Email_hours"
	ChatHours                    Metric = "Chat_hours"
	FocusHours                   Metric = "Focus_hours"
	AfterHoursCollaborationHours Metric = "After_hours_collaboration_hours"
	ScheduledWorkingHours        Metric = "Scheduled_working_hours"
)

// Metrics returns the metrics Summarize computes, in display order.
func Metrics() []Metric {
	return []Metric{
		CollaborationShare, CreationShare, CollaborationHours, MeetingHours, EmailHours,
		ChatHours, FocusHours, AfterHoursCollaborationHours, ScheduledWorkingHours,
	}
}

// IsShare reports whether m is a fraction of scheduled working hours rather
// than hours. Shares are undefined for person-weeks with HasShares false.
func (m Metric) IsShare() bool { return m == CollaborationShare || m == CreationShare }

// Label returns m's name for people: "Collaboration share", "Meeting hours".
func (m Metric) Label() string {
	switch m {
	case AfterHoursCollaborationHours:
		return "After-hours collaboration hours"
	}
	b := []byte(m)
	for i := range b {
		if b[i] == '_' {
			b[i] = ' '
		}
	}
	return string(b)
}

// value returns m for r, and false when m is undefined for r.
func (m Metric) value(r dataset.PersonWeek) (float64, bool) {
	switch m {
	case CollaborationShare:
		return r.CollaborationShare, r.HasShares
	case CreationShare:
		return r.CreationShare, r.HasShares
	case CollaborationHours:
		return r.CollaborationHours, true
	case MeetingHours:
		return r.MeetingHours, true
	case EmailHours:
		return r.EmailHours, true
	case ChatHours:
		return r.ChatHours, true
	case FocusHours:
		return r.FocusHours, true
	case AfterHoursCollaborationHours:
		return r.AfterHoursCollaborationHours, true
	case ScheduledWorkingHours:
		return r.ScheduledWorkingHours, true
	}
	return extraValue(m, r)
}

// A Stat summarizes one metric over the people of a group: the mean, median
// and 90th percentile (type 7, see the package doc) of the people's own
// means over the selected weeks. N is the number of people with a value;
// when N is 0 the other fields are 0 and mean nothing.
type Stat struct {
	N      int
	Mean   float64
	Median float64
	P90    float64
}

// BandCounts counts the people of a group by the band of their mean
// Collaboration_share (SPEC §5). Undefined counts people with no week of
// defined shares (no scheduled working hours).
type BandCounts struct {
	Overloaded   int
	AboveTypical int
	Within       int
	Undefined    int
}

// A Suppression says why a group's figures are hidden.
type Suppression string

// Suppression reasons.
const (
	// Shown: the group's figures are shown.
	Shown Suppression = ""
	// SuppressedSmall: the group has fewer than MinGroupSize people.
	SuppressedSmall Suppression = "small"
	// SuppressedComplementary: the group is large enough, but is hidden so
	// that a small group cannot be worked out from the total minus the
	// visible groups.
	SuppressedComplementary Suppression = "complementary"
)

// A Group holds the figures of one group of people, or of everyone.
//
// A hidden group (Suppressed != Shown) carries its Name and reason only:
// People, PersonWeeks, Stats and Bands are zero, so no writer can leak them.
type Group struct {
	Name        string
	Suppressed  Suppression
	People      int // distinct people
	PersonWeeks int
	Stats       map[Metric]Stat
	Bands       BandCounts
}

// Hidden reports whether g's figures are suppressed.
func (g *Group) Hidden() bool { return g.Suppressed != Shown }

// Stat returns the figures of metric m (zero when hidden or unknown).
func (g *Group) Stat(m Metric) Stat { return g.Stats[m] }

// A Summary holds the figures of every group of a partition of the rows and
// of everyone (Total), after privacy suppression.
type Summary struct {
	// MinGroupSize is the privacy floor applied: groups with fewer
	// distinct people are hidden.
	MinGroupSize int
	Total        Group   // everyone; Name is TotalName
	Groups       []Group // sorted by Name
}

// TotalName is the Name of a Summary's Total.
const TotalName = "All people"

// UnsetGroupName is the group of rows whose key is "".
const UnsetGroupName = "(not set)"

// DefaultMinGroupSize is the privacy floor used when a Config's
// MinGroupSize is below the lowest allowed value, 3 (SPEC §6).
const DefaultMinGroupSize = 5

// ByOrganization groups person-weeks by their Organization.
func ByOrganization(r dataset.PersonWeek) string { return r.Organization }

// Summarize computes the figures of SPEC §6 for every group of rows (by
// names each row's group; "" becomes UnsetGroupName) and for everyone.
//
// Each person's mean over their rows in the group comes first, then the
// group's mean, median and p90 of those person means. A person whose group
// changes between weeks counts in each of their groups, with their weeks
// there, and once in the Total. Person-weeks with HasShares false do not
// enter share statistics (they do enter hour statistics); bands come from
// each person's mean Collaboration_share, against cfg.AboveTypicalShare and
// cfg.OverloadedShare (inclusive).
//
// Privacy, with floor cfg.MinGroupSize (DefaultMinGroupSize when below 3):
//   - Total has fewer than floor people: everything is hidden.
//   - A group with fewer than floor people is hidden (SuppressedSmall).
//   - While the hidden groups could be worked out from the Total minus the
//     visible groups — exactly one group hidden, or several whose people
//     add up to fewer than floor — the smallest visible group (ties by
//     name) is hidden too (SuppressedComplementary).
func Summarize(rows []dataset.PersonWeek, by func(dataset.PersonWeek) string, cfg analysis.Config) *Summary {
	th := thresholdsOf(cfg)
	total := newAccumulator()
	groups := map[string]*accumulator{}
	for _, r := range rows {
		name := by(r)
		if name == "" {
			name = UnsetGroupName
		}
		g := groups[name]
		if g == nil {
			g = newAccumulator()
			groups[name] = g
		}
		g.add(r)
		total.add(r)
	}

	s := &Summary{MinGroupSize: th.minGroupSize, Total: total.group(TotalName, th)}
	for name, acc := range groups {
		s.Groups = append(s.Groups, acc.group(name, th))
	}
	slices.SortFunc(s.Groups, func(a, b Group) int { return cmp.Compare(a.Name, b.Name) })
	suppress(s)
	return s
}

// suppress applies the privacy rules of Summarize to s, then redacts hidden groups.
func suppress(s *Summary) {
	floor := s.MinGroupSize
	if s.Total.People < floor {
		s.Total.Suppressed = SuppressedSmall
		for i := range s.Groups {
			s.Groups[i].Suppressed = SuppressedSmall
		}
	} else {
		for i := range s.Groups {
			if s.Groups[i].People < floor {
				s.Groups[i].Suppressed = SuppressedSmall
			}
		}
		for {
			hidden, hiddenPeople, next := 0, 0, -1
			for i, g := range s.Groups {
				if g.Hidden() {
					hidden++
					hiddenPeople += g.People
				} else if next < 0 || g.People < s.Groups[next].People {
					next = i // Groups are sorted by name, so ties go to the first name
				}
			}
			safe := hidden == 0 || (hidden >= 2 && hiddenPeople >= floor)
			if safe || next < 0 {
				break
			}
			s.Groups[next].Suppressed = SuppressedComplementary
		}
	}
	redact(&s.Total)
	for i := range s.Groups {
		redact(&s.Groups[i])
	}
}

// redact removes every figure of g if g is hidden.
func redact(g *Group) {
	if g.Hidden() {
		*g = Group{Name: g.Name, Suppressed: g.Suppressed}
	}
}

// thresholds holds the Config values package report uses, with defaults
// for zero values.
type thresholds struct {
	aboveTypical, overloaded, creation float64
	minGroupSize                       int
}

func thresholdsOf(cfg analysis.Config) thresholds {
	t := thresholds{cfg.AboveTypicalShare, cfg.OverloadedShare, cfg.CreationReference, cfg.MinGroupSize}
	if t.aboveTypical <= 0 {
		t.aboveTypical = 0.57
	}
	if t.overloaded <= 0 {
		t.overloaded = 0.85
	}
	if t.creation <= 0 {
		t.creation = 0.43
	}
	if t.minGroupSize < 3 {
		t.minGroupSize = DefaultMinGroupSize
	}
	return t
}

// band returns the SPEC §5 band of a Collaboration_share.
func (t thresholds) band(share float64) string {
	switch {
	case share >= t.overloaded:
		return dataset.BandOverloaded
	case share >= t.aboveTypical:
		return dataset.BandAboveTypical
	}
	return dataset.BandWithin
}

// A personSums accumulates one person's rows within one group.
type personSums struct {
	sum [len(metricIndex)]float64
	n   [len(metricIndex)]int
}

// metricIndex fixes the order of personSums' arrays.
var metricIndex = [...]Metric{
	CollaborationShare, CreationShare, CollaborationHours, MeetingHours, EmailHours,
	ChatHours, FocusHours, AfterHoursCollaborationHours, ScheduledWorkingHours,
	WeekendCollaborationHours, AfterHoursMeetingHours, MultitaskingHours, ConflictingMeetingHours,
	RecurringMeetingHours, MeetingHoursWithManager, MeetingHoursWithManager1On1,
	SmallAndShortMeetingHours, SmallAndLongMeetingHours, LargeAndShortMeetingHours, LargeAndLongMeetingHours,
	UninterruptedHours, FragmentedHours, AvailableToFocusHours, OOODays,
}

// An accumulator collects the rows of one group, per person.
type accumulator struct {
	people      map[string]*personSums
	personWeeks int
}

func newAccumulator() *accumulator { return &accumulator{people: map[string]*personSums{}} }

func (a *accumulator) add(r dataset.PersonWeek) {
	p := a.people[r.PersonID]
	if p == nil {
		p = &personSums{}
		a.people[r.PersonID] = p
	}
	a.personWeeks++
	for i, m := range metricIndex {
		if v, ok := m.value(r); ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			p.sum[i] += v
			p.n[i]++
		}
	}
}

// group computes the group's figures from its people's means.
func (a *accumulator) group(name string, th thresholds) Group {
	g := Group{Name: name, People: len(a.people), PersonWeeks: a.personWeeks, Stats: map[Metric]Stat{}}
	// Iterate people in a fixed order so floating-point sums are reproducible.
	ids := make([]string, 0, len(a.people))
	for id := range a.people {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	means := make([]float64, 0, len(ids))
	for i, m := range metricIndex {
		means = means[:0]
		for _, id := range ids {
			p := a.people[id]
			if p.n[i] > 0 {
				means = append(means, p.sum[i]/float64(p.n[i]))
			}
		}
		g.Stats[m] = statOf(means)
		if m == CollaborationShare {
			g.Bands = bandCounts(means, th)
			g.Bands.Undefined = len(ids) - len(means)
		}
	}
	return g
}

func bandCounts(shares []float64, th thresholds) BandCounts {
	var b BandCounts
	for _, v := range shares {
		switch th.band(v) {
		case dataset.BandOverloaded:
			b.Overloaded++
		case dataset.BandAboveTypical:
			b.AboveTypical++
		default:
			b.Within++
		}
	}
	return b
}

// statOf returns the mean, median and p90 of xs.
func statOf(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	sum := 0.0
	for _, x := range sorted {
		sum += x
	}
	return Stat{
		N:      len(sorted),
		Mean:   sum / float64(len(sorted)),
		Median: quantile(sorted, 0.5),
		P90:    quantile(sorted, 0.9),
	}
}

// quantile returns the p-quantile of sorted (non-empty, ascending) by linear
// interpolation between order statistics: R's type 7.
func quantile(sorted []float64, p float64) float64 {
	h := float64(len(sorted)-1) * p
	lo := int(math.Floor(h))
	if lo+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
