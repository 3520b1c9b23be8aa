package msgraph

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowTransport answers after a delay, counting requests in flight.
type slowTransport struct {
	delay         time.Duration
	inFlight, max atomic.Int32
	fail          atomic.Int32 // the first fail attempts get no answer
	hang          bool         // those attempts hang instead of erroring
}

func (s *slowTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for m := s.max.Load(); n > m && !s.max.CompareAndSwap(m, n); m = s.max.Load() {
	}
	if s.fail.Add(-1) >= 0 {
		if s.hang {
			<-req.Context().Done()
			return nil, req.Context().Err()
		}
		return nil, errors.New("connection reset by peer")
	}
	time.Sleep(s.delay)
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
}

func get(t *testing.T, l *limiter, url string) error {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	resp, err := l.RoundTrip(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return err
}

func TestLimiter_caps(t *testing.T) {
	for _, c := range []struct {
		name            string
		app, perMailbox int
		urls            []string
		want            int32
	}{
		{"one mailbox", 16, 4, []string{"https://g/v1.0/users/a@x.com/calendarView"}, 4},
		{"two mailboxes", 16, 4, []string{"https://g/v1.0/users/a@x.com/calendarView", "https://g/v1.0/users/B@x.com/messages"}, 8},
		{"app cap", 3, 4, []string{"https://g/v1.0/users/a/calendarView", "https://g/v1.0/users/b/calendarView"}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			tr := &slowTransport{delay: 5 * time.Millisecond}
			l := newLimiter(c.app, c.perMailbox, 0)
			l.next = tr
			var wg sync.WaitGroup
			for i := range 40 {
				wg.Go(func() {
					if err := get(t, l, c.urls[i%len(c.urls)]); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if got := tr.max.Load(); got != c.want {
				t.Errorf("at most %d requests in flight, want %d", got, c.want)
			}
			if got := l.calls.Load(); got != 40 {
				t.Errorf("%d calls, want 40", got)
			}
		})
	}
}

func TestLimiter_retriesUnanswered(t *testing.T) {
	for _, hang := range []bool{false, true} {
		tr := &slowTransport{hang: hang}
		tr.fail.Store(2)
		l := newLimiter(4, 4, 50*time.Millisecond)
		l.next, l.backoff = tr, time.Millisecond
		if err := get(t, l, "https://g/v1.0/users/a/calendarView"); err != nil {
			t.Fatalf("hang %v: %v", hang, err)
		}
		if l.calls.Load() != 3 || l.retries.Load() != 2 {
			t.Errorf("hang %v: %d calls, %d retries, want 3 and 2", hang, l.calls.Load(), l.retries.Load())
		}
	}
	// A GET that never gets an answer fails after the retries.
	tr := &slowTransport{}
	tr.fail.Store(100)
	l := newLimiter(4, 4, 0)
	l.next, l.backoff = tr, time.Millisecond
	if err := get(t, l, "https://g/v1.0/users/a/calendarView"); err == nil || l.calls.Load() != transportRetries+1 {
		t.Errorf("err %v after %d calls, want an error after %d", err, l.calls.Load(), transportRetries+1)
	}
}

func TestMailbox(t *testing.T) {
	for in, want := range map[string]string{
		"/v1.0/users/Ann%40x.com/calendarView":        "ann@x.com",
		"/v1.0/users/0a1b/mailFolders/inbox/messages": "0a1b",
		"/v1.0/users":      "",
		"/v1.0/users/0a1b": "",
		"/proxy/graph/v1.0/users/u1/mailboxSettings": "u1",
	} {
		if got := mailbox(in); got != want {
			t.Errorf("mailbox(%q) = %q, want %q", in, got, want)
		}
	}
}
