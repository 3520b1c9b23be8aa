// Package liveheap measures the Go heap's live bytes for the memory
// benchmarks of package dataset and package ingest: runtime/metrics'
// /gc/heap/live:bytes, the heap the last GC marked, read once or sampled
// every millisecond for its peak.
//
// What a GC cycle marks includes what was allocated while it ran, so the
// peaks of a process with a large live heap (long cycles) include garbage;
// a benchmark that can let its input go before it measures should.
package liveheap

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// Read returns the live heap as of the last GC, after one if gc.
func Read(gc bool) uint64 {
	if gc {
		runtime.GC()
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A Sampler samples the live heap every millisecond and keeps its peak.
type Sampler struct {
	mu   sync.Mutex
	peak uint64
	done chan struct{}
	wg   sync.WaitGroup
}

// Start starts sampling.
func Start() *Sampler {
	s := &Sampler{done: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			s.mu.Lock()
			s.peak = max(s.peak, Read(false))
			s.mu.Unlock()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	})
	return s
}

// Next returns the peak so far and starts a new phase with a GC, so that
// the live heap sampled from then on is the new phase's.
func (s *Sampler) Next() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := max(s.peak, Read(false))
	s.peak = Read(true)
	return p
}

// Stop ends the sampling and returns the peak of the last phase.
func (s *Sampler) Stop() uint64 {
	close(s.done)
	s.wg.Wait()
	return s.Next()
}
