package ingest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest"
)

var (
	errTransient = errors.New("transient")
	errPermanent = errors.New("permanent")
)

func classify(err error) (bool, time.Duration) {
	if errors.Is(err, errTransient) {
		return true, -1
	}
	return false, -1
}

func TestPacer_Do(t *testing.T) {
	var slept []time.Duration
	p := &ingest.Pacer{Classify: classify, MaxAttempts: 4, BaseDelay: time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	ctx := context.Background()

	t.Run("retries then succeeds", func(t *testing.T) {
		slept = nil
		n := 0
		err := p.Do(ctx, "u", 1, func() error {
			if n++; n < 3 {
				return errTransient
			}
			return nil
		})
		if err != nil || n != 3 || len(slept) != 2 {
			t.Errorf("Do = %v after %d calls and %d sleeps, want nil after 3 calls and 2 sleeps", err, n, len(slept))
		}
		// Exponential with ±50% jitter: the second wait is 1.5 s ± 50%.
		if slept[0] < 500*time.Millisecond || slept[0] > 1500*time.Millisecond || slept[1] < 750*time.Millisecond {
			t.Errorf("backoff waits %v, want about 1 s then 1.5 s", slept)
		}
	})
	t.Run("gives up after MaxAttempts", func(t *testing.T) {
		n := 0
		err := p.Do(ctx, "u", 1, func() error { n++; return errTransient })
		if !errors.Is(err, errTransient) || n != 4 {
			t.Errorf("Do = %v after %d calls, want errTransient after 4", err, n)
		}
	})
	t.Run("permanent error is not retried", func(t *testing.T) {
		n := 0
		err := p.Do(ctx, "u", 1, func() error { n++; return errPermanent })
		if !errors.Is(err, errPermanent) || n != 1 {
			t.Errorf("Do = %v after %d calls, want errPermanent after 1", err, n)
		}
	})
	t.Run("Retry-After is honoured", func(t *testing.T) {
		slept = nil
		q := &ingest.Pacer{Sleep: p.Sleep, Classify: func(error) (bool, time.Duration) { return true, 0 }}
		n := 0
		q.Do(ctx, "u", 1, func() error {
			if n++; n < 2 {
				return errTransient
			}
			return nil
		})
		if len(slept) != 1 || slept[0] != 0 {
			t.Errorf("waits %v, want [0]", slept)
		}
	})
	st := p.Stats()
	if st.Calls < 8 || st.Retries < 5 {
		t.Errorf("Stats = %+v, want the calls and retries counted", st)
	}
}

func TestPacer_quota(t *testing.T) {
	// 600 units a minute = 10 a second, burst 10: 30 one-unit calls take
	// about two seconds of quota beyond the burst.
	p := &ingest.Pacer{UserPerMinute: 600}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	n := 0
	var err error
	for range 30 {
		if err = p.Do(ctx, "u", 1, func() error { n++; return nil }); err != nil {
			break
		}
	}
	if err == nil || n < 10 || n > 14 {
		t.Errorf("%d calls in 300 ms at 10/s with burst 10, err %v: want 10 to 14, then a context error", n, err)
	}
	// Another user has a budget of their own.
	if err := p.Do(context.Background(), "v", 5, func() error { return nil }); err != nil {
		t.Errorf("other user: %v", err)
	}
}
