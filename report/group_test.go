package report_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/report"
)

func defaultConfig(t *testing.T) analysis.Config {
	t.Helper()
	cfg, err := analysis.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// week returns a person-week with 40 scheduled hours and the given shares.
func week(id, org, wk string, collabShare, creationShare, meetingHours float64) dataset.PersonWeek {
	return dataset.PersonWeek{
		PersonID: id, Organization: org, Week: wk,
		ScheduledWorkingHours: 40, MeetingHours: meetingHours,
		HasShares: true, CollaborationShare: collabShare, CreationShare: creationShare,
	}
}

// statsRows is a hand-computed group of five people.
//
//	person  weeks  Collaboration_share  Creation_share    Meeting_hours   Scheduled
//	p1      2      .40 .60  → .50       .60 .40 → .50     10 20 → 15      40 40 → 40
//	p2      2      .70 —    → .70       .30 —   → .30     30  0 → 15      40  0 → 20
//	p3      2      .85 .85  → .85       .20 .20 → .20      5  5 →  5      40 40 → 40
//	p4      2      .57 .57  → .57       .50 .50 → .50     40 40 → 40      40 40 → 40
//	p5      3      .20 .30 .25 → .25    .80 .70 .75 → .75  1 3 8 → 4      40
//
// p2's second week has no scheduled hours (HasShares false): it enters the
// hour statistics as zeros but not the shares.
func statsRows() []dataset.PersonWeek {
	noHours := dataset.PersonWeek{PersonID: "p2", Organization: "Eng", Week: "2026-W02"}
	return []dataset.PersonWeek{
		week("p1", "Eng", "2026-W01", .40, .60, 10), week("p1", "Eng", "2026-W02", .60, .40, 20),
		week("p2", "Eng", "2026-W01", .70, .30, 30), noHours,
		week("p3", "Eng", "2026-W01", .85, .20, 5), week("p3", "Eng", "2026-W02", .85, .20, 5),
		week("p4", "Eng", "2026-W01", .57, .50, 40), week("p4", "Eng", "2026-W02", .57, .50, 40),
		week("p5", "Eng", "2026-W01", .20, .80, 1), week("p5", "Eng", "2026-W02", .30, .70, 3), week("p5", "Eng", "2026-W03", .25, .75, 8),
	}
}

func TestSummarize_Stats(t *testing.T) {
	s := report.Summarize(statsRows(), report.ByOrganization, defaultConfig(t))
	if len(s.Groups) != 1 {
		t.Fatalf("Summarize: %d groups, want 1", len(s.Groups))
	}
	for _, g := range []report.Group{s.Total, s.Groups[0]} {
		t.Run(g.Name, func(t *testing.T) {
			if g.Hidden() || g.People != 5 || g.PersonWeeks != 11 {
				t.Fatalf("group %q: hidden %v, people %d, person-weeks %d; want shown, 5, 11", g.Name, g.Hidden(), g.People, g.PersonWeeks)
			}
			want := map[report.Metric]report.Stat{
				// person means .25 .50 .57 .70 .85: mean 2.87/5; p90 = .70 + .6×(.85−.70)
				report.CollaborationShare: {N: 5, Mean: 0.574, Median: 0.57, P90: 0.79},
				// person means .20 .30 .50 .50 .75: p90 = .50 + .6×.25
				report.CreationShare: {N: 5, Mean: 0.45, Median: 0.5, P90: 0.65},
				// person means 4 5 15 15 40 (not the week mean 162/11): p90 = 15 + .6×25
				report.MeetingHours: {N: 5, Mean: 15.8, Median: 15, P90: 30},
				// person means 20 40 40 40 40
				report.ScheduledWorkingHours: {N: 5, Mean: 36, Median: 40, P90: 40},
				report.ChatHours:             {N: 5},
			}
			for m, w := range want {
				if diff := cmp.Diff(w, g.Stat(m), approx); diff != "" {
					t.Errorf("Stat(%s) mismatch (-want +got):\n%s", m, diff)
				}
			}
			// .85 is overloaded and .57 above typical: thresholds are inclusive.
			wantBands := report.BandCounts{Overloaded: 1, AboveTypical: 2, Within: 2}
			if diff := cmp.Diff(wantBands, g.Bands); diff != "" {
				t.Errorf("Bands mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

var approx = cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })

func TestSummarize_Undefined(t *testing.T) {
	rows := statsRows()
	// p6 has no week with scheduled hours: counted as a person, not in shares.
	rows = append(rows, dataset.PersonWeek{PersonID: "p6", Organization: "Eng", Week: "2026-W01", MeetingHours: 2})
	s := report.Summarize(rows, report.ByOrganization, defaultConfig(t))
	g := s.Groups[0]
	if g.People != 6 || g.Stat(report.CollaborationShare).N != 5 || g.Stat(report.MeetingHours).N != 6 {
		t.Errorf("people %d, share N %d, meeting N %d; want 6, 5, 6", g.People, g.Stat(report.CollaborationShare).N, g.Stat(report.MeetingHours).N)
	}
	if g.Bands.Undefined != 1 {
		t.Errorf("Bands.Undefined = %d, want 1", g.Bands.Undefined)
	}
}

// TestSummarize_MovedPerson checks that a person who changes organization
// counts in each with the weeks spent there, and once in the total.
func TestSummarize_MovedPerson(t *testing.T) {
	var rows []dataset.PersonWeek
	for i := range 5 {
		rows = append(rows, week(fmt.Sprintf("a%d", i), "A", "2026-W01", .5, .5, 10))
		rows = append(rows, week(fmt.Sprintf("b%d", i), "B", "2026-W01", .5, .5, 10))
	}
	rows = append(rows, week("m", "A", "2026-W01", .5, .5, 0), week("m", "B", "2026-W02", .5, .5, 30))
	s := report.Summarize(rows, report.ByOrganization, defaultConfig(t))
	if s.Total.People != 11 || s.Groups[0].People != 6 || s.Groups[1].People != 6 {
		t.Errorf("people: total %d, A %d, B %d; want 11, 6, 6", s.Total.People, s.Groups[0].People, s.Groups[1].People)
	}
	// In the total, m's mean meeting hours is (0+30)/2 = 15.
	if got := s.Total.Stat(report.MeetingHours).Mean; math.Abs(got-(10*10+15)/11.0) > 1e-9 {
		t.Errorf("total mean meeting hours = %v, want %v", got, (10*10+15)/11.0)
	}
}

// org returns rows for groups of the given sizes, one week per person.
func org(sizes map[string]int) []dataset.PersonWeek {
	var rows []dataset.PersonWeek
	for name, n := range sizes {
		for i := range n {
			rows = append(rows, week(fmt.Sprintf("%s-%d", name, i), name, "2026-W01", .6, .4, 12))
		}
	}
	return rows
}

func TestSummarize_Privacy(t *testing.T) {
	const (
		shown = report.Shown
		small = report.SuppressedSmall
		compl = report.SuppressedComplementary
	)
	tests := []struct {
		name      string
		sizes     map[string]int
		floor     int
		wantTotal report.Suppression
		want      map[string]report.Suppression
	}{
		{
			name:  "team of 4 hidden, next smallest hidden with it",
			sizes: map[string]int{"Sales": 10, "Ops": 6, "Legal": 4},
			want:  map[string]report.Suppression{"Sales": shown, "Ops": compl, "Legal": small},
		},
		{
			name:  "two small siblings protect each other",
			sizes: map[string]int{"Sales": 10, "Ops": 6, "Legal": 3, "HR": 2},
			want:  map[string]report.Suppression{"Sales": shown, "Ops": shown, "Legal": small, "HR": small},
		},
		{
			name:  "two small siblings adding up to fewer than the floor",
			sizes: map[string]int{"Sales": 10, "Ops": 6, "Legal": 2, "HR": 2},
			want:  map[string]report.Suppression{"Sales": shown, "Ops": compl, "Legal": small, "HR": small},
		},
		{
			name:  "single hidden group among visible siblings",
			sizes: map[string]int{"A": 9, "B": 7, "C": 5, "D": 1},
			want:  map[string]report.Suppression{"A": shown, "B": shown, "C": compl, "D": small},
		},
		{
			name:  "next smallest tie goes to the first name",
			sizes: map[string]int{"A": 7, "B": 5, "C": 5, "D": 2},
			want:  map[string]report.Suppression{"A": shown, "B": compl, "C": shown, "D": small},
		},
		{
			name:  "two groups, one small: both hidden, total shown",
			sizes: map[string]int{"A": 20, "B": 1},
			want:  map[string]report.Suppression{"A": compl, "B": small},
		},
		{
			name:      "org total below floor shows nothing",
			sizes:     map[string]int{"A": 2, "B": 2},
			wantTotal: small,
			want:      map[string]report.Suppression{"A": small, "B": small},
		},
		{
			name:  "exactly the floor is shown",
			sizes: map[string]int{"A": 5, "B": 5},
			want:  map[string]report.Suppression{"A": shown, "B": shown},
		},
		{
			name:  "floor from config",
			sizes: map[string]int{"A": 3, "B": 4},
			floor: 3,
			want:  map[string]report.Suppression{"A": shown, "B": shown},
		},
		{
			name:  "floor below 3 is not honoured",
			sizes: map[string]int{"A": 2, "B": 4, "C": 9},
			floor: 1,
			want:  map[string]report.Suppression{"A": small, "B": small, "C": shown},
		},
		{
			name:  "empty key is its own group",
			sizes: map[string]int{"": 5, "A": 5},
			want:  map[string]report.Suppression{report.UnsetGroupName: shown, "A": shown},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig(t)
			if tt.floor != 0 {
				cfg.MinGroupSize = tt.floor
			}
			rows := org(tt.sizes)
			s := report.Summarize(rows, report.ByOrganization, cfg)
			got := map[string]report.Suppression{}
			for _, g := range s.Groups {
				got[g.Name] = g.Suppressed
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("group suppression mismatch (-want +got):\n%s", diff)
			}
			if s.Total.Suppressed != tt.wantTotal {
				t.Errorf("Total.Suppressed = %q, want %q", s.Total.Suppressed, tt.wantTotal)
			}
			if !s.Total.Hidden() && s.Total.People != len(rows) {
				t.Errorf("Total.People = %d, want %d (hidden groups' people count in a shown total)", s.Total.People, len(rows))
			}
			for _, g := range append([]report.Group{s.Total}, s.Groups...) {
				if g.Hidden() {
					if diff := cmp.Diff(report.Group{Name: g.Name, Suppressed: g.Suppressed}, g); diff != "" {
						t.Errorf("hidden group %q carries figures (-want +got):\n%s", g.Name, diff)
					}
				} else if g.People == 0 || g.Stat(report.CollaborationShare).N == 0 {
					t.Errorf("shown group %q has no figures: %+v", g.Name, g)
				}
			}
			// No hidden group can be derived: hidden groups are none, or
			// at least two holding at least the floor together.
			if !s.Total.Hidden() {
				hidden, people := 0, 0
				for _, g := range s.Groups {
					if g.Hidden() {
						hidden++
						people += tt.sizes[g.Name]
					}
				}
				if hidden == 1 || (hidden > 1 && people < s.MinGroupSize) {
					t.Errorf("%d hidden groups with %d people can be derived from the total", hidden, people)
				}
			}
		})
	}
}
