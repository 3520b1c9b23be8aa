package google

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"google.golang.org/api/googleapi"
)

func TestShouldRetry(t *testing.T) {
	hdr := func(ra string) http.Header {
		h := http.Header{}
		if ra != "" {
			h.Set("Retry-After", ra)
		}
		return h
	}
	gerr := func(code int, reason, ra string) error {
		e := &googleapi.Error{Code: code, Header: hdr(ra)}
		if reason != "" {
			e.Errors = []googleapi.ErrorItem{{Reason: reason}}
		}
		return e
	}
	var syntax error = &json.SyntaxError{}
	tests := []struct {
		name  string
		err   error
		retry bool
		after time.Duration
	}{
		{"429 with Retry-After 0", gerr(429, "rateLimitExceeded", "0"), true, 0},
		{"429 with Retry-After 7", gerr(429, "", "7"), true, 7 * time.Second},
		{"503", gerr(503, "backendError", ""), true, -1},
		{"500", gerr(500, "", ""), true, -1},
		{"403 userRateLimitExceeded", gerr(403, "userRateLimitExceeded", ""), true, -1},
		{"403 rateLimitExceeded", gerr(403, "rateLimitExceeded", ""), true, -1},
		{"403 forbidden", gerr(403, "forbidden", ""), false, -1},
		{"404", gerr(404, "notFound", ""), false, -1},
		{"400", gerr(400, "badRequest", ""), false, -1},
		{"410 fullSyncRequired", gerr(410, "fullSyncRequired", ""), false, -1},
		{"wrapped 429", fmt.Errorf("list: %w", gerr(429, "", "")), true, -1},
		{"body cut short", fmt.Errorf("decode: %w", io.ErrUnexpectedEOF), true, -1},
		{"json syntax", syntax, true, -1},
		{"other", errors.New("boom"), false, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry, after := shouldRetry(tt.err)
			if retry != tt.retry || after != tt.after {
				t.Errorf("shouldRetry(%v) = %v, %v, want %v, %v", tt.err, retry, after, tt.retry, tt.after)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{CredentialsFile: "k.json", AdminEmail: "admin@example.com"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v, want nil", ok, err)
	}
	for _, c := range []Config{
		{AdminEmail: "admin@example.com"},
		{CredentialsFile: "k.json", AdminEmail: "admin"},
		{CredentialsFile: "k.json", AdminEmail: "a@example.com", Endpoints: Endpoints{Calendar: "http://x/calendar/v3"}},
		{CredentialsFile: "k.json", AdminEmail: "a@example.com", Endpoints: Endpoints{Gmail: "http://x"}},
		{CredentialsFile: "k.json", AdminEmail: "a@example.com", Domains: []string{"a@b"}},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", c)
		}
	}
}
