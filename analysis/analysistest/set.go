package analysistest

import "math/bits"

// A set is a set of seconds of one week: bit i stands for the second
// [week start + i s, week start + i+1 s).
type set struct {
	n int
	w []uint64
}

func newSet(n int) set { return set{n: n, w: make([]uint64, (n+63)/64)} }

// add adds the seconds [a, b), clipped to the week.
func (s set) add(a, b int) {
	a, b = max(a, 0), min(b, s.n)
	for i := a; i < b; i++ {
		s.w[i/64] |= 1 << (i % 64)
	}
}

func (s set) has(i int) bool { return i >= 0 && i < s.n && s.w[i/64]&(1<<(i%64)) != 0 }

func (s set) count() int {
	c := 0
	for _, w := range s.w {
		c += bits.OnesCount64(w)
	}
	return c
}

func (s set) combine(t set, f func(x, y uint64) uint64) set {
	r := newSet(s.n)
	for i := range r.w {
		r.w[i] = f(s.w[i], t.w[i])
	}
	return r
}

func (s set) or(t set) set     { return s.combine(t, func(x, y uint64) uint64 { return x | y }) }
func (s set) and(t set) set    { return s.combine(t, func(x, y uint64) uint64 { return x & y }) }
func (s set) andNot(t set) set { return s.combine(t, func(x, y uint64) uint64 { return x &^ y }) }

// runs returns the lengths in seconds of the maximal runs of s, in order.
// Runs are cut at the week's edges.
func (s set) runs() []int {
	var out []int
	run := 0
	for i := 0; i < s.n; i++ {
		if s.has(i) {
			run++
			continue
		}
		if run > 0 {
			out = append(out, run)
			run = 0
		}
	}
	if run > 0 {
		out = append(out, run)
	}
	return out
}

// runsAtLeast is the total length of the maximal runs of s lasting min seconds or more.
func (s set) runsAtLeast(min int) int {
	t := 0
	for _, r := range s.runs() {
		if r >= min {
			t += r
		}
	}
	return t
}

// runsShorter is the total length of the maximal runs of s shorter than max seconds.
func (s set) runsShorter(max int) int {
	t := 0
	for _, r := range s.runs() {
		if r < max {
			t += r
		}
	}
	return t
}
