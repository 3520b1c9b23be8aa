// Package analysistest provides a reference implementation of the person_week
// metrics of SPEC §3–§5 and §8, for tests that cross-check package analysis.
//
// Reference is deliberately simple and slow: for each person and week it
// represents every set of SPEC §4–§5 (working hours, out-of-office days,
// meetings, send blocks, reads, collaboration) as one bit per second of the
// person's local week and computes every metric by counting bits and scanning
// runs. It shares no code with package analysis beyond its Config, so that a
// difference between the two is a bug in one of them.
//
// It does not model sub-second instants: every instant is truncated to the
// whole second before use, so cross-check data should use whole seconds.
// It does not count exclusion rules (analysis.Result.Excluded).
package analysistest
