package report

import (
	"math"
	"testing"
)

// TestQuantile pins the percentile convention: linear interpolation between
// order statistics, R's quantile(type = 7).
func TestQuantile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		{"one value", []float64{3}, 0.9, 3},
		{"two values p90", []float64{0, 10}, 0.9, 9},
		{"even median", []float64{1, 2, 3, 4}, 0.5, 2.5},
		{"odd median", []float64{1, 2, 30}, 0.5, 2},
		{"R quantile(1:10, .9)", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 9.1},
		{"five values p90", []float64{4, 5, 15, 15, 40}, 0.9, 30},
		{"p100", []float64{1, 2, 3}, 1, 3},
		{"p0", []float64{1, 2, 3}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quantile(tt.sorted, tt.p); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("quantile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestHistogramOf(t *testing.T) {
	h := histogramOf([]float64{-0.1, 0, 0.049, 0.05, 0.57, 0.85, 0.8499, 1, 1.7, math.NaN()}, 21, true)
	want := map[int]int{0: 3, 1: 1, 11: 1, 16: 1, 17: 1, 20: 2}
	for i, c := range h.Counts {
		if c != want[i] {
			t.Errorf("bin %d = %d, want %d (counts %v)", i, c, want[i], h.Counts)
		}
	}
	h = histogramOf([]float64{1, 0.99}, 20, false)
	if h.Counts[19] != 2 {
		t.Errorf("closed histogram: last bin = %d, want 2 (1.0 counts in the last bin)", h.Counts[19])
	}
}
