package msgraph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"

	abs "github.com/microsoft/kiota-abstractions-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/overload-engine/overload/ingest"
)

// SourceName is the value of the source column of every row.
const SourceName = "msgraph"

// Permissions are the Microsoft Graph application permissions the app
// registration needs, admin-consented: least privilege for each call.
var Permissions = []string{
	"User.Read.All",           // /users with department and manager
	"MailboxSettings.Read",    // time zone and working hours
	"Calendars.ReadBasic.All", // calendarView without bodies or attachments
	"Mail.ReadBasic.All",      // messages without bodies or attachments
}

// Properties asked for: never subject, body, bodyPreview or location.
var (
	userSelect  = []string{"id", "userPrincipalName", "mail", "department", "accountEnabled", "userType", "onPremisesExtensionAttributes"}
	eventSelect = []string{"iCalUId", "originalStart", "start", "end", "isAllDay", "isCancelled", "showAs", "type",
		"seriesMasterId", "organizer", "attendees", "responseStatus", "isOnlineMeeting", "createdDateTime"}
	messageSelect = []string{"internetMessageId", "conversationId", "from", "sender", "toRecipients", "ccRecipients",
		"bccRecipients", "sentDateTime", "receivedDateTime", "internetMessageHeaders"}
)

// A Source reads one Microsoft 365 tenant through Microsoft Graph v1.0 with
// msgraph-sdk-go. It is safe for concurrent use.
type Source struct {
	cfg     Config
	ps      *ingest.Pseudonymizer
	log     *slog.Logger
	domains map[string]bool
	ad      *msgraphcore.GraphRequestAdapterBase
	lim     *limiter
	ids     sync.Map // address → directory object id
}

var _ ingest.Source = (*Source)(nil)

// New returns a Source for cfg, pseudonymizing with ps.
func New(cfg Config, ps *ingest.Pseudonymizer) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = cfg.Logger.WithGroup("msgraph")
	s := &Source{cfg: cfg, ps: ps, log: cfg.Logger, domains: map[string]bool{}}
	for _, d := range cfg.Domains {
		s.domains[ingest.CanonicalEmail(d)] = true
	}
	timeout := cfg.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	s.lim = newLimiter(orInt(cfg.Concurrency, DefaultConcurrency), orInt(cfg.PerMailboxConcurrency, DefaultPerMailboxConcurrency), timeout)
	ad, err := newAdapter(&s.cfg, s.lim)
	if err != nil {
		return nil, err
	}
	s.ad = ad
	return s, nil
}

// Stats are the request counters of a Source.
type Stats struct {
	Calls   int64 // HTTP attempts, retries included
	Retries int64
	// MaxMailboxInFlight is the most requests seen in flight for one
	// mailbox.
	MaxMailboxInFlight int
}

// Stats returns the counters so far.
func (s *Source) Stats() Stats {
	return Stats{Calls: s.lim.calls.Load(), Retries: s.lim.retries.Load(), MaxMailboxInFlight: int(s.lim.maxSeen.Load())}
}

func (s *Source) users() *users.UsersRequestBuilder {
	return users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": s.ad.GetBaseUrl()}, s.ad)
}

// userID returns the path id of a user: the object id seen by Users, else
// the address (Graph accepts the user principal name).
func (s *Source) userID(email string) string {
	if id, ok := s.ids.Load(email); ok {
		return id.(string)
	}
	return email
}

// outlookHeaders are sent on every calendar and mail request, next pages
// included: UTC times, immutable item ids, and the page size.
func (s *Source) outlookHeaders() *abs.RequestHeaders {
	h := abs.NewRequestHeaders()
	h.Add("Prefer", `outlook.timezone="UTC"`)
	h.Add("Prefer", `IdType="ImmutableId"`)
	h.Add("Prefer", fmt.Sprintf("odata.maxpagesize=%d", orInt(s.cfg.PageSize, DefaultPageSize)))
	return h
}

// describe reduces an SDK error to what may be logged: the status and
// Graph error code of an API error (Graph messages can quote addresses),
// the cause of a transport error without its URL (which names the user).
func describe(err error) error {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		code := ""
		if e := oe.GetErrorEscaped(); e != nil {
			code = deref(e.GetCode())
		}
		return fmt.Errorf("graph error %d %s", oe.ResponseStatusCode, code)
	}
	for _, ce := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, ce) {
			return ce
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
