package report

import (
	"math"
	"slices"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// DefaultTitle is the title of an OrgSummary whose Title is empty.
const DefaultTitle = "Collaboration overload: organization summary"

// An OrgSummary is the content of the HR analyst's one-page organization
// summary (WriteOrgSummaryHTML): figures for everyone and per Organization,
// after privacy suppression, with the references they are compared with.
// It holds no person-level values.
type OrgSummary struct {
	Title       string    // "" = DefaultTitle
	Weeks       []string  // ISO weeks covered ("2026-W10"), ascending
	GeneratedAt time.Time // shown as is; pass the command's clock, never time.Now here

	// References and assumptions shown beside the figures.
	AboveTypicalShare float64 // 0.57, Work Trend Index 2023
	OverloadedShare   float64 // 0.85, Cross et al. HBR 2021
	CreationReference float64 // 0.43, Work Trend Index 2023
	EmailSendMinutes  float64 // modelled minutes per email sent
	EmailReadMinutes  float64 // modelled minutes per email read

	// GroupBy names the HR attribute of Summary.Groups ("Organization").
	GroupBy string
	Summary *Summary

	// Histograms of the person means of Collaboration_share and
	// Creation_share. Both are zero when Summary.Total is hidden.
	CollaborationShares Histogram
	CreationShares      Histogram
}

// A Histogram counts people by a share in bins of equal width starting at 0.
// Counts[i] is the number of people whose value v has
// i·BinWidth ≤ v < (i+1)·BinWidth; values below 0 count in the first bin and
// values at or above the last bin's lower edge in the last bin, so with
// Open set the last bin reads "100% and more".
type Histogram struct {
	BinWidth float64
	Counts   []int
	Open     bool // the last bin has no upper bound
}

// Binning of the histograms: 5-point bins over 0–100%, plus an open
// "100% and more" bin for Collaboration_share (it may exceed 100%).
const (
	histogramBinWidth = 0.05
	histogramBins     = 20
)

// NewOrgSummary summarizes rows by Organization for WriteOrgSummaryHTML,
// with the thresholds, privacy floor and email assumptions of cfg.
// generatedAt is the time shown as the generation time.
func NewOrgSummary(rows []dataset.PersonWeek, cfg analysis.Config, generatedAt time.Time) *OrgSummary {
	th := thresholdsOf(cfg)
	s := &OrgSummary{
		GeneratedAt:       generatedAt,
		AboveTypicalShare: th.aboveTypical,
		OverloadedShare:   th.overloaded,
		CreationReference: th.creation,
		EmailSendMinutes:  cfg.EmailSendMinutes,
		EmailReadMinutes:  cfg.EmailReadMinutes,
		GroupBy:           "Organization",
		Summary:           Summarize(rows, ByOrganization, cfg),
	}
	seen := map[string]bool{}
	for _, r := range rows {
		w := r.Week
		if w == "" && !r.MetricDate.IsZero() {
			w = dataset.WeekOf(r.MetricDate).String()
		}
		if w != "" && !seen[w] {
			seen[w] = true
			s.Weeks = append(s.Weeks, w)
		}
	}
	slices.Sort(s.Weeks)
	if !s.Summary.Total.Hidden() {
		collab, creation := personMeanShares(rows)
		s.CollaborationShares = histogramOf(collab, histogramBins+1, true)
		s.CreationShares = histogramOf(creation, histogramBins, false)
	}
	return s
}

// personMeanShares returns each person's mean Collaboration_share and
// Creation_share over their weeks with defined shares, in no useful order.
func personMeanShares(rows []dataset.PersonWeek) (collab, creation []float64) {
	type sums struct {
		collab, creation float64
		n                int
	}
	people := map[string]*sums{}
	for _, r := range rows {
		if !r.HasShares {
			continue
		}
		p := people[r.PersonID]
		if p == nil {
			p = &sums{}
			people[r.PersonID] = p
		}
		p.collab += r.CollaborationShare
		p.creation += r.CreationShare
		p.n++
	}
	for _, p := range people {
		collab = append(collab, p.collab/float64(p.n))
		creation = append(creation, p.creation/float64(p.n))
	}
	return collab, creation
}

func histogramOf(xs []float64, bins int, open bool) Histogram {
	h := Histogram{BinWidth: histogramBinWidth, Counts: make([]int, bins), Open: open}
	for _, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		// The epsilon keeps values on a bin edge (0.85) out of the bin below
		// despite binary rounding (0.85/0.05 = 16.999…).
		i := int(math.Floor(v/h.BinWidth + 1e-9))
		h.Counts[max(0, min(i, bins-1))]++
	}
	return h
}
