// Package googletest provides a fake Google Workspace API server for tests
// and demos. It serves a synthetic.Org over the subset of Admin SDK
// Directory v1, Calendar v3 and Gmail v1 that package google uses, plus the
// OAuth 2.0 token endpoint of the service-account (JWT bearer) flow, so the
// real SDK clients and the real domain-wide-delegation code run against it.
//
// It models the wire format (JSON shapes, paging with pageToken and
// nextPageToken, string-encoded int64s, Google error bodies), partial
// responses (the fields parameter), the gmail.metadata scope's rejection of
// q and of format=full/raw, and injected faults: latency, 429 with
// Retry-After: 0, 5xx and truncated bodies.
//
// It enforces privacy by construction: a request whose fields mask or
// metadataHeaders asks for a title, body, snippet, subject, description or
// location is reported through Options.OnViolation (NewServer makes that a
// test error). Payloads carry the synthetic organisation's canary strings,
// so a test can prove none of them reached disk or logs.
//
// It does not model ACLs beyond "a user token reads only that user's data",
// quota accounting, eventual consistency, sync tokens, history, Google Chat
// or working hours (Google has no API for them).
package googletest

import (
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// Defaults for the zero values of Options.
const (
	// DefaultCalendarPage and the others are the page sizes used when a
	// request gives no maxResults (Google's documented defaults).
	DefaultCalendarPage  = 250
	DefaultGmailPage     = 100
	DefaultDirectoryPage = 100
)

// Options configures a Server. The zero value serves without faults,
// latency or authentication checks.
type Options struct {
	// Latency is added before every API response.
	Latency time.Duration
	// FaultRate is the probability, 0 to 1, that an API request (not the
	// token endpoint) fails: as 429 with Retry-After: 0, 503, 500, a 200
	// whose JSON body is cut short, or (with Hang) no answer, in equal
	// shares.
	FaultRate float64
	// Hang is how long a "no answer" fault keeps the request waiting
	// before answering 504 (the client should time out first); 0 = no
	// such faults (their share is cut-short bodies).
	Hang time.Duration
	// Seed seeds the fault injection.
	Seed uint64
	// MaxPage caps every page size (0 = the API's own maximum), so tests
	// exercise paging with small organisations.
	MaxPage int
	// RequireAuth makes API requests without a bearer token from the
	// token endpoint fail with 401. Without it, unauthenticated requests
	// (option.WithHTTPClient in tests) are served; authenticated ones are
	// always checked: a user's token reads only that user's calendar and
	// mailbox, and Directory needs the admin's.
	RequireAuth bool
	// Admin is the address Directory calls must impersonate when
	// authenticated; "" = the first directory user.
	Admin string
	// RecordRequests keeps every request's path and query for Requests
	// (NewServer turns it on; a long-running fake should not).
	RecordRequests bool
	// OnViolation is called with a description of every request that asks
	// for content (titles, bodies, snippets, subjects, descriptions,
	// locations). Nil ignores them (the request is still served).
	OnViolation func(msg string)
}

// A Server is a fake Google Workspace serving one synthetic.Org.
// It is an http.Handler and is safe for concurrent use.
type Server struct {
	// URL is the base URL with no trailing slash. NewServer sets it; a
	// caller serving s itself sets it before ServiceAccountKey or Endpoints.
	URL string

	org   *synthetic.Org
	opts  Options
	admin string
	key   *rsa.PrivateKey
	mux   *http.ServeMux

	mu       sync.Mutex
	rng      *rand.Rand
	requests []string
	users    map[string]*userData // lazily rendered raw views, by address
	failing  map[string]bool      // addresses whose calendar and mail fail with 403

	nRequests, nFaults, nTokens atomic.Int64
}

// New returns a Server for org that is not listening yet: serve it as an
// http.Handler and set URL.
func New(org *synthetic.Org, opts Options) *Server {
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		panic("googletest: generate key: " + err.Error())
	}
	s := &Server{
		org:     org,
		opts:    opts,
		admin:   opts.Admin,
		key:     key,
		mux:     http.NewServeMux(),
		rng:     rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15)),
		users:   map[string]*userData{},
		failing: map[string]bool{},
	}
	if s.admin == "" {
		if ppl := org.People(); len(ppl) > 0 {
			s.admin = ppl[0].Email
		}
	}
	s.mux.HandleFunc("POST /token", s.token)
	s.mux.HandleFunc("GET /admin/directory/v1/users", s.api(s.listUsers))
	s.mux.HandleFunc("GET /calendar/v3/calendars/{cal}/events", s.api(s.listEvents))
	s.mux.HandleFunc("GET /gmail/v1/users/{user}/messages", s.api(s.listMessages))
	s.mux.HandleFunc("GET /gmail/v1/users/{user}/messages/{id}", s.api(s.getMessage))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "notFound", "Not Found", "NOT_FOUND")
	})
	return s
}

// NewServer starts a Server for org on a loopback port and closes it when
// t's test ends. Privacy violations are test errors.
func NewServer(t testing.TB, org *synthetic.Org, opts Options) *Server {
	t.Helper()
	if opts.OnViolation == nil {
		opts.OnViolation = func(msg string) { t.Errorf("googletest: privacy violation: %s", msg) }
	}
	opts.RecordRequests = true
	s := New(org, opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Admin returns the address Directory calls impersonate.
func (s *Server) Admin() string { return s.admin }

// Org returns the organisation s serves.
func (s *Server) Org() *synthetic.Org { return s.org }

// Endpoints returns the base URLs to give the SDK clients
// (option.WithEndpoint): Directory and Gmail at the root, Calendar at
// /calendar/v3/ with its trailing slash.
func (s *Server) Endpoints() (directory, calendar, gmail string) {
	return s.URL + "/", s.URL + "/calendar/v3/", s.URL + "/"
}

// ServiceAccountKey returns a service-account JSON key whose token_uri is
// this server's token endpoint, for golang.org/x/oauth2/google.
func (s *Server) ServiceAccountKey() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(s.key)
	if err != nil {
		panic("googletest: marshal key: " + err.Error())
	}
	b, _ := json.MarshalIndent(map[string]string{
		"type":           "service_account",
		"project_id":     "overload-fake",
		"private_key_id": "fake-key-1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "overload-ingest@overload-fake.iam.gserviceaccount.com",
		"client_id":      "100000000000000000001",
		"auth_uri":       s.URL + "/auth",
		"token_uri":      s.URL + "/token",
	}, "", "  ")
	return b
}

// Requests returns the path and query of every API request served so far
// (with Options.RecordRequests).
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// FailUser makes every Calendar and Gmail request for email's data fail
// with 403 forbidden (as for a user whose mailbox is not set up), or
// serve normally again.
func (s *Server) FailUser(email string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[strings.ToLower(email)] = fail
}

// Stats returns how many API requests were served, how many of them were
// injected faults, and how many tokens were issued.
func (s *Server) Stats() (requests, faults, tokens int64) {
	return s.nRequests.Load(), s.nFaults.Load(), s.nTokens.Load()
}

// api wraps an API handler with recording, latency, authentication and
// fault injection.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request, subject string) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.nRequests.Add(1)
		s.mu.Lock()
		if s.opts.RecordRequests {
			s.requests = append(s.requests, r.URL.RequestURI())
		}
		roll := s.rng.Float64()
		kind := s.rng.IntN(5)
		s.mu.Unlock()
		if s.opts.Latency > 0 {
			select {
			case <-time.After(s.opts.Latency):
			case <-r.Context().Done():
				return
			}
		}
		subject, ok := s.authenticate(w, r)
		if !ok {
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		truncate := false
		if roll < s.opts.FaultRate {
			s.nFaults.Add(1)
			switch kind {
			case 0:
				w.Header().Set("Retry-After", "0")
				writeError(w, http.StatusTooManyRequests, "rateLimitExceeded", "Rate Limit Exceeded", "RESOURCE_EXHAUSTED")
				return
			case 1:
				writeError(w, http.StatusServiceUnavailable, "backendError", "The service is currently unavailable.", "UNAVAILABLE")
				return
			case 2:
				writeError(w, http.StatusInternalServerError, "backendError", "Backend Error", "INTERNAL")
				return
			case 3:
				truncate = true
			default:
				if s.opts.Hang <= 0 {
					truncate = true
					break
				}
				select {
				case <-time.After(s.opts.Hang):
				case <-r.Context().Done():
					return
				}
				writeError(w, http.StatusGatewayTimeout, "backendError", "Deadline exceeded", "DEADLINE_EXCEEDED")
				return
			}
		}
		v := h(w, r, subject)
		if v == nil {
			return // the handler wrote an error
		}
		mask, err := parseFields(r.URL.Query().Get("fields"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "invalidParameter", err.Error(), "INVALID_ARGUMENT")
			return
		}
		body, err := json.Marshal(mask.apply(v))
		if err != nil {
			writeError(w, http.StatusInternalServerError, "backendError", err.Error(), "INTERNAL")
			return
		}
		if truncate {
			body = body[:len(body)/2]
		}
		w.Write(body)
	}
}

// authenticate checks the bearer token, if any, and returns its subject.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if s.opts.RequireAuth {
			writeError(w, http.StatusUnauthorized, "authError", "Request is missing required authentication credential.", "UNAUTHENTICATED")
			return "", false
		}
		return "", true
	}
	tok, ok := strings.CutPrefix(h, "Bearer ")
	sub, err := parseAccessToken(tok)
	if !ok || err != nil {
		writeError(w, http.StatusUnauthorized, "authError", "Invalid Credentials", "UNAUTHENTICATED")
		return "", false
	}
	return sub, true
}

// forbidden writes the 403 Google returns when a delegated user reads
// another user's data, and reports whether it did.
func (s *Server) forbidden(w http.ResponseWriter, subject, want string) bool {
	s.mu.Lock()
	failing := s.failing[strings.ToLower(want)] && want != s.admin
	s.mu.Unlock()
	if !failing && (subject == "" || strings.EqualFold(subject, want)) {
		return false
	}
	writeError(w, http.StatusForbidden, "forbidden", "Not Authorized to access this resource/api", "PERMISSION_DENIED")
	return true
}

// violation reports a request for content.
func (s *Server) violation(format string, args ...any) {
	if s.opts.OnViolation != nil {
		s.opts.OnViolation(fmt.Sprintf(format, args...))
	}
}

// checkFields reports a fields mask that is absent or selects content.
// forbidden lists the content field names of the resource.
func (s *Server) checkFields(r *http.Request, forbiddenNames ...string) {
	f := r.URL.Query().Get("fields")
	mask, err := parseFields(f)
	if err != nil {
		return
	}
	if mask == nil {
		s.violation("%s %s has no fields mask, so the response includes content", r.Method, r.URL.Path)
		return
	}
	for _, p := range mask.paths("") {
		for _, seg := range strings.Split(p, "/") {
			for _, bad := range forbiddenNames {
				if seg == bad || seg == "*" {
					s.violation("%s %s asks for %q", r.Method, r.URL.Path, p)
				}
			}
		}
	}
}

// writeError writes a Google JSON error body.
func writeError(w http.ResponseWriter, code int, reason, message, status string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	b, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": code, "message": message, "status": status,
		"errors": []any{map[string]any{"domain": "global", "reason": reason, "message": message}},
	}})
	w.Write(b)
}

// page returns the slice [off, off+n) of a list of length total selected by
// the request's pageToken and maxResults, and the next page token.
func page(r *http.Request, total, def, maxSize, capSize int) (lo, hi int, next string, err error) {
	q := r.URL.Query()
	n := def
	if s := q.Get("maxResults"); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			return 0, 0, "", fmt.Errorf("invalid maxResults %q", s)
		}
	}
	n = min(n, maxSize)
	if capSize > 0 {
		n = min(n, capSize)
	}
	if t := q.Get("pageToken"); t != "" {
		b, err := base64.RawURLEncoding.DecodeString(t)
		off, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "off:"))
		if err != nil || err2 != nil || off < 0 || off > total {
			return 0, 0, "", fmt.Errorf("invalid pageToken")
		}
		lo = off
	}
	hi = min(total, lo+n)
	if hi < total {
		next = base64.RawURLEncoding.EncodeToString([]byte("off:" + strconv.Itoa(hi)))
	}
	return lo, hi, next, nil
}

// userData holds one user's rendered calendar and mailbox.
type userData struct {
	cal   []synthetic.CalendarEntry
	box   []synthetic.MailEntry // email only, newest first
	byID  map[string]int        // mailbox id → index in box
	known bool
}

// user returns the raw views of the user with address email.
func (s *Server) user(email string) *userData {
	email = strings.ToLower(email)
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.users[email]; ok {
		return u
	}
	u := &userData{byID: map[string]int{}}
	if _, ok := s.org.User(email); ok {
		u.known = true
		u.cal = s.org.Calendar(email)
		all := s.org.Mailbox(email)
		for i := len(all) - 1; i >= 0; i-- {
			if all[i].Channel != "email" {
				continue // Google Chat is not in Gmail
			}
			u.byID[all[i].ID] = len(u.box)
			u.box = append(u.box, all[i])
		}
	}
	s.users[email] = u
	return u
}
