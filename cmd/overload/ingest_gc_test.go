package main

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads the GC percent and the memory limit without changing
// them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(100)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestTuneIngestGC(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	before, beforeLimit := gcSettings()
	restore := tuneIngestGC()
	if p, l := gcSettings(); p != ingestGCPercent || l != ingestMemoryLimit {
		t.Errorf("during an ingest: GC percent %d, memory limit %d; want %d, %d", p, l, ingestGCPercent, ingestMemoryLimit)
	}
	restore()
	if p, l := gcSettings(); p != before || l != beforeLimit {
		t.Errorf("after: GC percent %d, memory limit %d; want %d, %d as before", p, l, before, beforeLimit)
	}

	// What the environment sets stays.
	t.Setenv("GOGC", "50")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = tuneIngestGC()
	if p, l := gcSettings(); p != before || l != beforeLimit {
		t.Errorf("with $GOGC and $GOMEMLIMIT set: GC percent %d, memory limit %d; want %d, %d untouched", p, l, before, beforeLimit)
	}
	restore()
}
