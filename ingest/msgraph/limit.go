package msgraph

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Transport-level retries: the SDK's retry handler retries 429, 503 and
// 504 answers, not requests that got no answer.
const (
	transportRetries    = 4
	transportRetryDelay = 200 * time.Millisecond
)

// A limiter is the transport under the SDK's middleware. It caps the
// requests in flight per mailbox and for the app, cuts off an attempt
// that takes longer than timeout, and retries a GET that got no answer
// (connection reset, attempt timed out). Each attempt holds a slot only
// while on the wire, so the SDK's retry back-off does not block others.
type limiter struct {
	next       http.RoundTripper
	app        chan struct{}
	perMailbox int
	timeout    time.Duration // per attempt; 0 = none
	backoff    time.Duration // first delay before a transport retry
	onRetry    func(err error)

	mu    sync.Mutex
	boxes map[string]chan struct{}

	calls, retries atomic.Int64
	maxSeen        atomic.Int32 // most requests seen in flight for one mailbox
}

func newLimiter(app, perMailbox int, timeout time.Duration) *limiter {
	return &limiter{app: make(chan struct{}, app), perMailbox: perMailbox, timeout: timeout,
		backoff: transportRetryDelay, boxes: map[string]chan struct{}{}}
}

// mailbox returns the {id} of a /users/{id}/… path, "" for other paths.
func mailbox(p string) string {
	i := strings.Index(p, "/users/")
	if i < 0 {
		return ""
	}
	id, _, ok := strings.Cut(p[i+len("/users/"):], "/")
	if !ok {
		return ""
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return strings.ToLower(id)
}

func (l *limiter) slot(box string) chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := l.boxes[box]
	if ch == nil {
		ch = make(chan struct{}, l.perMailbox)
		l.boxes[box] = ch
	}
	return ch
}

// RoundTrip implements http.RoundTripper.
func (l *limiter) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		resp, err := l.attempt(req)
		if err == nil || ctx.Err() != nil || req.Method != http.MethodGet || attempt >= transportRetries {
			return resp, err
		}
		l.retries.Add(1)
		if l.onRetry != nil {
			l.onRetry(err)
		}
		t := time.NewTimer(l.backoff << attempt)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// attempt sends req once, holding an app slot and a mailbox slot.
func (l *limiter) attempt(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := acquire(ctx, l.app); err != nil {
		return nil, err
	}
	defer func() { <-l.app }()
	if box := mailbox(req.URL.Path); box != "" {
		ch := l.slot(box)
		if err := acquire(ctx, ch); err != nil {
			return nil, err
		}
		defer func() { <-ch }()
		for n := int32(len(ch)); ; {
			seen := l.maxSeen.Load()
			if n <= seen || l.maxSeen.CompareAndSwap(seen, n) {
				break
			}
		}
	}
	l.calls.Add(1)
	if l.timeout <= 0 {
		return l.next.RoundTrip(req)
	}
	// The timeout runs until the response headers arrive, like
	// http.Transport.ResponseHeaderTimeout; the body is read after
	// RoundTrip returns, so the context is cancelled when it is closed.
	actx, cancel := context.WithCancel(ctx)
	var timedOut atomic.Bool
	timer := time.AfterFunc(l.timeout, func() {
		timedOut.Store(true)
		cancel()
	})
	resp, err := l.next.RoundTrip(req.WithContext(actx))
	stopped := timer.Stop()
	if err != nil {
		cancel()
		if !stopped && timedOut.Load() && ctx.Err() == nil {
			return nil, errAttemptTimeout
		}
		return nil, err
	}
	if !stopped {
		// The timer fired as the headers arrived: the body is lost.
		resp.Body.Close()
		cancel()
		return nil, errAttemptTimeout
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

var errAttemptTimeout = errors.New("msgraph: request timed out")

type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

func acquire(ctx context.Context, ch chan struct{}) error {
	select {
	case ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
