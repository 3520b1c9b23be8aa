// Package analysis computes the person_week metrics of SPEC §3–§5 from the
// dataset tables: per person and week, the union of meetings, email and chat
// time, focus time, after-hours load and the benchmark shares and bands.
//
// It is pure computation on plain Go values: no I/O. Interval arithmetic is
// on sorted, half-open [start, end) intervals of Unix microseconds.
package analysis
