package ingest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/time/rate"
)

// Defaults for the zero values of Pacer.
const (
	DefaultMaxAttempts = 8
	DefaultBaseDelay   = 500 * time.Millisecond
	DefaultMaxDelay    = 60 * time.Second
)

// A Pacer spends a provider's request quota and retries failed calls.
// Quota is counted in units (a Gmail messages.get costs 5, a Calendar call
// 1): a project-wide budget shared by every user and a budget per user,
// both in units per minute. A Pacer is safe for concurrent use; its zero
// value applies no quota and retries with the defaults.
type Pacer struct {
	// ProjectPerMinute and UserPerMinute are the quota budgets in units per
	// minute; 0 = unlimited.
	ProjectPerMinute, UserPerMinute float64
	// MaxAttempts is how many times a call is tried; 0 = DefaultMaxAttempts.
	MaxAttempts int
	// BaseDelay and MaxDelay bound the exponential backoff (with jitter)
	// between attempts; 0 = the defaults.
	BaseDelay, MaxDelay time.Duration
	// Classify reports whether err is worth retrying and how long the
	// server asked to wait (after < 0: no Retry-After). Nil retries nothing.
	Classify func(err error) (retry bool, after time.Duration)
	// Sleep waits for d or until ctx is done; nil = a real timer. Tests may
	// replace it.
	Sleep func(ctx context.Context, d time.Duration) error

	once    sync.Once
	project *rate.Limiter
	users   sync.Map // user key → *rate.Limiter

	calls, retries, units atomic.Int64
}

// PacerStats are a Pacer's counters.
type PacerStats struct {
	Calls   int64 // attempts made, retries included
	Retries int64 // attempts that were retries
	Units   int64 // quota units spent
}

// Forget drops the per-user budget of user, once the user is done.
func (p *Pacer) Forget(user string) { p.users.Delete(user) }

// Stats returns the counters so far.
func (p *Pacer) Stats() PacerStats {
	return PacerStats{Calls: p.calls.Load(), Retries: p.retries.Load(), Units: p.units.Load()}
}

func (p *Pacer) init() {
	p.once.Do(func() {
		p.project = newLimiter(p.ProjectPerMinute)
	})
}

func newLimiter(perMinute float64) *rate.Limiter {
	if perMinute <= 0 {
		return rate.NewLimiter(rate.Inf, 0)
	}
	// A burst of one second's worth (at least one call of up to 5 units)
	// keeps the sliding-minute quota of the provider from tripping.
	return rate.NewLimiter(rate.Limit(perMinute/60), max(5, int(perMinute/60)))
}

// Do calls op until it succeeds, returns an error Classify does not retry,
// or MaxAttempts attempts were made, waiting for cost quota units of the
// project budget and of user's before each attempt. It returns op's last
// error, or ctx's error once ctx is done.
func (p *Pacer) Do(ctx context.Context, user string, cost int, op func() error) error {
	p.init()
	v, ok := p.users.Load(user)
	if !ok {
		v, _ = p.users.LoadOrStore(user, newLimiter(p.UserPerMinute))
	}
	ul := v.(*rate.Limiter)
	attempts := p.MaxAttempts
	if attempts <= 0 {
		attempts = DefaultMaxAttempts
	}
	bo := backoff.NewExponentialBackOff()
	bo.InitialInterval = cmpOr(p.BaseDelay, DefaultBaseDelay)
	bo.MaxInterval = cmpOr(p.MaxDelay, DefaultMaxDelay)
	for i := 0; ; i++ {
		if err := ul.WaitN(ctx, cost); err != nil {
			return ctxErr(ctx, err)
		}
		if err := p.project.WaitN(ctx, cost); err != nil {
			return ctxErr(ctx, err)
		}
		p.calls.Add(1)
		p.units.Add(int64(cost))
		if i > 0 {
			p.retries.Add(1)
		}
		err := op()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		retry, after := false, time.Duration(-1)
		if p.Classify != nil {
			retry, after = p.Classify(err)
		}
		if !retry || i+1 >= attempts {
			return err
		}
		d := bo.NextBackOff()
		if after >= 0 {
			d = after
		}
		if err := p.sleep(ctx, d); err != nil {
			return err
		}
	}
}

func (p *Pacer) sleep(ctx context.Context, d time.Duration) error {
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ctxErr turns a rate.Limiter error caused by ctx into ctx's error.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errors.Join(errors.New("wait for quota"), err)
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
