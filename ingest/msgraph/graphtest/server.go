// Package graphtest provides a fake Microsoft Graph v1.0 for tests and
// demos. It serves a synthetic.Org over the subset of Graph that package
// msgraph uses, so the real msgraph-sdk-go client runs against it:
//
//   - GET /v1.0/users ($select, $expand=manager($select=…), $top, paging
//     by absolute @odata.nextLink);
//   - GET /v1.0/users/{id}/mailboxSettings (time zone and working hours,
//     IANA zone names);
//   - GET /v1.0/users/{id}/calendarView?startDateTime&endDateTime
//     (Prefer: outlook.timezone and odata.maxpagesize, $select, $top);
//   - GET /v1.0/users/{id}/mailFolders/{sentitems|inbox}/messages
//     ($select, $filter on receivedDateTime, $top, Prefer: odata.maxpagesize).
//
// {id} is a user's object id or user principal name. Responses carry the
// synthetic organisation's canary subjects and bodies wherever Graph would
// (subject, bodyPreview, body, the Subject header), so a test can prove
// none reaches disk or logs. A calendarView or messages request without a
// $select, or whose $select asks for subject, body, bodyPreview,
// uniqueBody, location or locations, is reported through
// Options.OnViolation (NewServer makes it a test error) and answered all
// the same: without $select, with every property (internetMessageHeaders
// aside, which come only when selected). EventJSON and MessageJSON give
// an item's full rendering, the one a page projects on its $select.
//
// Faults: Options.Latency before every answer; Options.FaultRate of
// requests answered 429, 503 or 504 with Retry-After: 0 and a Graph error
// body, or (with Options.Hang) left unanswered; FailUser makes one user's
// mailbox answer 403, NoMailbox 404 (an account without a mailbox).
// Options.WindowsZones serves mailbox time zones as Windows ids, as
// Outlook-configured tenants do.
//
// It does not model authentication, delta queries, $batch, Teams chat or
// throttling budgets.
package graphtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/overload-engine/overload/ingest/synthetic"
)

// Page sizes: Graph's defaults and maxima.
const (
	DefaultUsersPage   = 100
	MaxUsersPage       = 999
	DefaultOutlookPage = 10
	MaxOutlookPage     = 1000
)

// Options configures a Server. The zero value serves without faults or
// latency.
type Options struct {
	// Latency is added before every answer.
	Latency time.Duration
	// FaultRate is the probability, 0 to 1, that a request is answered
	// 429, 503 or 504 with Retry-After: 0 or, with Hang, not answered (in
	// equal shares).
	FaultRate float64
	// Hang is how long a "no answer" fault keeps the request waiting
	// before answering 504 (the client should time out first); 0 = no
	// such faults.
	Hang time.Duration
	// Seed seeds the fault injection.
	Seed uint64
	// MaxPage caps every page size (0 = Graph's maxima), so tests exercise
	// paging with small organisations.
	MaxPage int
	// WindowsZones serves mailbox time zones as Windows ids ("Eastern
	// Standard Time") where the CLDR table maps the id back to the same
	// IANA name, as tenants configured in Outlook do; others stay IANA.
	WindowsZones bool
	// OnViolation is called with a description of every request that asks
	// for content (see the package doc). Nil ignores them.
	OnViolation func(msg string)
}

// A Server is a fake Microsoft Graph serving one synthetic.Org. It is an
// http.Handler and is safe for concurrent use.
type Server struct {
	// URL is the root URL with no trailing slash (Graph's base URL is
	// URL + "/v1.0"). NewServer sets it; a caller serving s itself sets it
	// before the first request.
	URL string

	org  *synthetic.Org
	opts Options
	mux  *http.ServeMux
	byID map[string]string // object id → address

	mu       sync.Mutex
	rng      *rand.Rand
	requests []string
	failing  map[string]bool
	noBox    map[string]bool

	nRequests, nFaults atomic.Int64
}

// New returns a Server for org that is not listening yet: serve it as an
// http.Handler and set URL.
func New(org *synthetic.Org, opts Options) *Server {
	s := &Server{
		org:     org,
		opts:    opts,
		mux:     http.NewServeMux(),
		byID:    map[string]string{},
		rng:     rand.New(rand.NewPCG(opts.Seed, 0x5851f42d4c957f2d)),
		failing: map[string]bool{},
		noBox:   map[string]bool{},
	}
	for _, u := range org.People() {
		s.byID[ObjectID(u.Email)] = u.Email
	}
	s.mux.HandleFunc("GET /v1.0/users", s.api(s.listUsers))
	s.mux.HandleFunc("GET /v1.0/users/{id}/mailboxSettings", s.api(s.mailboxSettings))
	s.mux.HandleFunc("GET /v1.0/users/{id}/calendarView", s.api(s.calendarView))
	s.mux.HandleFunc("GET /v1.0/users/{id}/mailFolders/{folder}/messages", s.api(s.messages))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+lastSegment(r.URL.Path)+"'.")
	})
	return s
}

// NewServer starts a Server for org on a loopback port and closes it when
// t's test ends. Privacy violations are test errors.
func NewServer(t testing.TB, org *synthetic.Org, opts Options) *Server {
	t.Helper()
	if opts.OnViolation == nil {
		opts.OnViolation = func(msg string) { t.Errorf("graphtest: privacy violation: %s", msg) }
	}
	s := New(org, opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// BaseURL returns the Graph v1.0 base URL of s (for the SDK's SetBaseUrl).
func (s *Server) BaseURL() string { return s.URL + "/v1.0" }

// Org returns the organisation s serves.
func (s *Server) Org() *synthetic.Org { return s.org }

// Requests returns every request served so far as "PATH?QUERY | PREFER",
// PREFER being the request's Prefer header values joined by "; ".
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

// FailUser makes every mailbox request (mailboxSettings, calendarView,
// messages) for email's data fail with 403, or serve normally again.
func (s *Server) FailUser(email string, fail bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[strings.ToLower(email)] = fail
}

// NoMailbox makes every mailbox request for email's data answer 404
// MailboxNotEnabledForRESTAPI, as for an account without an Exchange
// mailbox (unlicensed, or a service account); the user stays in /users.
func (s *Server) NoMailbox(email string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noBox[strings.ToLower(email)] = true
}

// Stats returns how many requests were served and how many of them were
// injected faults.
func (s *Server) Stats() (requests, faults int64) {
	return s.nRequests.Load(), s.nFaults.Load()
}

// ObjectID returns the fake directory object id of the user with the given
// address: a stable GUID-shaped string.
func ObjectID(email string) string {
	h := fnv.New128a()
	h.Write([]byte(strings.ToLower(email)))
	b := h.Sum(nil)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// user resolves the {id} path segment (object id or address) to an
// address, "" if unknown.
func (s *Server) user(id string) string {
	if e, ok := s.byID[id]; ok {
		return e
	}
	if u, ok := s.org.User(id); ok {
		return u.Email
	}
	return ""
}

// api wraps a handler with recording, latency and fault injection. The
// handler returns the JSON body to write with 200, or nil when it wrote
// an answer itself.
func (s *Server) api(h func(w http.ResponseWriter, r *http.Request) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.nRequests.Add(1)
		s.mu.Lock()
		s.requests = append(s.requests, r.URL.RequestURI()+" | "+strings.Join(r.Header.Values("Prefer"), "; "))
		roll := s.rng.Float64()
		kinds := 3
		if s.opts.Hang > 0 {
			kinds = 4
		}
		kind := s.rng.IntN(kinds)
		s.mu.Unlock()
		if s.opts.Latency > 0 {
			select {
			case <-time.After(s.opts.Latency):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("request-id", "00000000-0000-0000-0000-000000000000")
		if roll < s.opts.FaultRate {
			s.nFaults.Add(1)
			w.Header().Set("Retry-After", "0")
			switch kind {
			case 0:
				writeError(w, http.StatusTooManyRequests, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.")
			case 1:
				writeError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "Service Unavailable")
			case 3:
				select {
				case <-time.After(s.opts.Hang):
				case <-r.Context().Done():
					return
				}
				writeError(w, http.StatusGatewayTimeout, "GatewayTimeout", "Gateway Timeout")
			default:
				writeError(w, http.StatusGatewayTimeout, "GatewayTimeout", "Gateway Timeout")
			}
			return
		}
		if id := r.PathValue("id"); id != "" {
			email := s.user(id)
			if email == "" {
				writeError(w, http.StatusNotFound, "Request_ResourceNotFound",
					"Resource '"+id+"' does not exist or one of its queried reference-property objects are not present.")
				return
			}
			s.mu.Lock()
			fail, none := s.failing[email], s.noBox[email]
			s.mu.Unlock()
			if none {
				writeError(w, http.StatusNotFound, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
				return
			}
			if fail {
				writeError(w, http.StatusForbidden, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
				return
			}
		}
		body := h(w, r)
		if body == nil {
			return
		}
		if bw, ok := body.(bodyWriter); ok {
			s.writeBody(w, bw)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		// json v2 writes a map's members in Go's map order instead of
		// sorting them (Graph's order is its own anyway), which costs
		// less CPU than encoding/json: on a small machine the fake
		// shares the cores with the client it serves.
		_ = jsonv2.MarshalWrite(w, body, jsontext.EscapeForHTML(false))
	}
}

// contentType is the Content-Type of Graph's JSON answers.
const contentType = "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8"

// A pageBuffer holds an answer while a bodyWriter writes it.
type pageBuffer struct {
	buf bytes.Buffer
	enc jsontext.Encoder
	w   jsonWriter
}

var pageBuffers = sync.Pool{New: func() any { return new(pageBuffer) }}

// writeBody answers 200 with the body bw writes, or 500 if bw fails.
func (s *Server) writeBody(w http.ResponseWriter, bw bodyWriter) {
	pb := pageBuffers.Get().(*pageBuffer)
	pb.buf.Reset()
	pb.enc.Reset(&pb.buf, jsontext.AllowDuplicateNames(true))
	pb.w = jsonWriter{enc: &pb.enc, scratch: pb.w.scratch[:0]}
	bw(&pb.w)
	if err := pb.w.err; err != nil {
		writeError(w, http.StatusInternalServerError, "InternalServerError", "graphtest: "+err.Error())
	} else {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(pb.buf.Len()))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(pb.buf.Bytes())
	}
	if pb.buf.Cap() <= 1<<20 { // let the odd huge page go
		pageBuffers.Put(pb)
	}
}

// writeError writes a Graph error body.
func writeError(w http.ResponseWriter, code int, errCode, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": errCode, "message": message,
		"innerError": map[string]any{
			"date":              time.Now().UTC().Format("2006-01-02T15:04:05"),
			"request-id":        "00000000-0000-0000-0000-000000000000",
			"client-request-id": "00000000-0000-0000-0000-000000000000",
		},
	}})
}

func (s *Server) violation(format string, args ...any) {
	if s.opts.OnViolation != nil {
		s.opts.OnViolation(fmt.Sprintf(format, args...))
	}
}

// forbiddenSelect are the properties that hold content.
var forbiddenSelect = map[string]bool{
	"subject": true, "body": true, "bodypreview": true, "uniquebody": true, "location": true, "locations": true,
}

// selectSet parses $select, reporting a content request as a violation
// when check is set. nil means "no $select".
func (s *Server) selectSet(r *http.Request, check bool) map[string]bool {
	q := r.URL.Query()
	if !q.Has("$select") {
		if check {
			s.violation("%s without $select (every property, subject and body included)", r.URL.Path)
		}
		return nil
	}
	set := map[string]bool{}
	for _, f := range strings.Split(q.Get("$select"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if check && forbiddenSelect[strings.ToLower(f)] {
			s.violation("%s selects %s", r.URL.Path, f)
		}
		set[f] = true
	}
	return set
}

// project keeps the selected properties of v (and its id and annotations).
func project(v map[string]any, sel map[string]bool) map[string]any {
	if sel == nil {
		return v
	}
	out := map[string]any{}
	for k, x := range v {
		if sel[k] || k == "id" || strings.HasPrefix(k, "@odata.") {
			out[k] = x
		}
	}
	return out
}

// prefer returns the value of one Prefer preference ("" if absent).
func prefer(r *http.Request, name string) string {
	for _, h := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), name) {
				return strings.Trim(strings.TrimSpace(v), `"`)
			}
		}
	}
	return ""
}

// page returns the slice [lo, hi) of a collection of total items to serve
// and the absolute next link ("" on the last page). The page size is
// Prefer: odata.maxpagesize, else $top, else def, capped by max and
// Options.MaxPage; the position is $skip.
func (s *Server) page(w http.ResponseWriter, r *http.Request, total, def, max int) (lo, hi int, next string, ok bool) {
	q := r.URL.Query()
	size := def
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeError(w, http.StatusBadRequest, "BadRequest", "Invalid $top value.")
			return 0, 0, "", false
		}
		size = n
	}
	applied := []string{}
	if v := prefer(r, "odata.maxpagesize"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			size = n
			applied = append(applied, "odata.maxpagesize="+v)
		}
	}
	size = min(size, max)
	if s.opts.MaxPage > 0 {
		size = min(size, s.opts.MaxPage)
	}
	if v := q.Get("$skip"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "BadRequest", "Invalid $skip value.")
			return 0, 0, "", false
		}
		lo = n
	}
	if tz := prefer(r, "outlook.timezone"); tz != "" {
		applied = append(applied, `outlook.timezone="`+tz+`"`)
	}
	if len(applied) > 0 {
		w.Header().Set("Preference-Applied", strings.Join(applied, ","))
	}
	lo = min(lo, total)
	hi = min(lo+size, total)
	if hi < total {
		q.Set("$skip", strconv.Itoa(hi))
		next = s.URL + r.URL.Path + "?" + encodeQuery(q)
	}
	return lo, hi, next, true
}

// encodeQuery encodes q the way Graph writes its links: $ and , unescaped.
func encodeQuery(q url.Values) string {
	e := q.Encode()
	e = strings.ReplaceAll(e, "%24", "$")
	return strings.ReplaceAll(e, "%2C", ",")
}

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// collection is a Graph collection response body.
func (s *Server) collection(context string, items []any, next string) map[string]any {
	out := map[string]any{"@odata.context": s.URL + "/v1.0/$metadata#" + context, "value": items}
	if next != "" {
		out["@odata.nextLink"] = next
	}
	return out
}
