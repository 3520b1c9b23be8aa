package google

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/api/googleapi"
)

// shouldRetry classifies an error from a Google API call: 429, 5xx and 403
// with a rate-limit reason are retried (honouring Retry-After), as are
// transport errors and bodies cut short; other errors are permanent.
func shouldRetry(err error) (retry bool, after time.Duration) {
	after = -1
	var gerr *googleapi.Error
	if errors.As(err, &gerr) {
		if ra := gerr.Header.Get("Retry-After"); ra != "" {
			if s, perr := strconv.Atoi(ra); perr == nil && s >= 0 {
				after = time.Duration(s) * time.Second
			} else if t, perr := http.ParseTime(ra); perr == nil {
				after = max(0, time.Until(t))
			}
		}
		switch {
		case gerr.Code == http.StatusTooManyRequests, gerr.Code >= 500:
			return true, after
		case gerr.Code == http.StatusForbidden:
			for _, e := range gerr.Errors {
				switch e.Reason {
				case "rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded":
					return true, after
				}
			}
		}
		return false, after
	}
	var rerr *oauth2.RetrieveError
	if errors.As(err, &rerr) {
		if rerr.Response != nil && (rerr.Response.StatusCode == 429 || rerr.Response.StatusCode >= 500) {
			return true, after
		}
		return false, after
	}
	var nerr net.Error
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, context.DeadlineExceeded):
		return true, after
	case errors.As(err, &nerr):
		return true, after
	case strings.Contains(err.Error(), "unexpected end of JSON input"),
		strings.Contains(err.Error(), "connection reset"):
		return true, after
	}
	var serr *json.SyntaxError
	if errors.As(err, &serr) {
		return true, after // a body cut short mid-token
	}
	return false, after
}
