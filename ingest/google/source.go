package google

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"time"

	"golang.org/x/oauth2"
	googleoauth "golang.org/x/oauth2/google"
	admin "google.golang.org/api/admin/directory/v1"
	"google.golang.org/api/calendar/v3"
	"google.golang.org/api/gmail/v1"
	"google.golang.org/api/option"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// SourceName is the value of the source column of every row.
const SourceName = "google"

// Scopes are the OAuth scopes to authorize for domain-wide delegation:
// read-only, and metadata-only for Gmail.
var Scopes = []string{
	admin.AdminDirectoryUserReadonlyScope, // Directory users (impersonating AdminEmail)
	calendar.CalendarEventsReadonlyScope,  // events on every calendar the user can see
	gmail.GmailMetadataScope,              // labels and headers only: no bodies, no q
}

// userScopes are the scopes of the tokens that impersonate each user.
var userScopes = []string{calendar.CalendarEventsReadonlyScope, gmail.GmailMetadataScope}

// A Source reads one Google Workspace customer. It is safe for concurrent
// use.
type Source struct {
	cfg     Config
	ps      *ingest.Pseudonymizer
	log     *slog.Logger
	jwt     []byte // service-account key; nil without CredentialsFile
	domains map[string]bool

	base                           *http.Client // under the OAuth transport
	calPacer, gmailPacer, dirPacer *ingest.Pacer
	ctx                            context.Context // for token sources
	mu                             sync.Mutex
	users                          map[string]*userClient // address → its client while Calendar or Mail runs
}

// A userClient impersonates one user for the Calendar and Mail calls
// running for it.
type userClient struct {
	c    *http.Client
	refs int
}

var _ ingest.Source = (*Source)(nil)

// New returns a Source for cfg, pseudonymizing with ps. ctx bounds the
// token sources' lifetime: use the run's context.
func New(ctx context.Context, cfg Config, ps *ingest.Pseudonymizer) (*Source, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Source{cfg: cfg, ps: ps, log: cfg.Logger, ctx: ctx, domains: map[string]bool{},
		users: map[string]*userClient{}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.WithGroup("google")
	if cfg.CredentialsFile != "" {
		b, err := os.ReadFile(cfg.CredentialsFile)
		if err != nil {
			return nil, fmt.Errorf("google: read credentials: %w", err)
		}
		// Parse once now so a bad key fails early; the error never
		// quotes key material.
		if _, err := googleoauth.JWTConfigFromJSON(b, Scopes...); err != nil {
			return nil, fmt.Errorf("google: credentials_file %s: not a service-account key", cfg.CredentialsFile)
		}
		s.jwt = b
	}
	s.base = cfg.HTTPClient
	if s.base == nil {
		// One pool for every user: the default keeps 2 idle connections
		// per host, far fewer than the requests in flight.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256
		s.base = &http.Client{Transport: tr}
	}
	for _, d := range cfg.Domains {
		s.domains[ingest.CanonicalEmail(d)] = true
	}
	if len(s.domains) == 0 {
		s.domains[ingest.Domain(cfg.AdminEmail)] = true
	}
	q := cfg.Quota
	s.calPacer = &ingest.Pacer{
		ProjectPerMinute: orF(q.CalendarPerMinute, DefaultCalendarPerMinute),
		UserPerMinute:    orF(q.CalendarPerUserPerMinute, DefaultCalendarPerUserPerMinute)}
	s.gmailPacer = &ingest.Pacer{
		ProjectPerMinute: orF(q.GmailPerMinute, DefaultGmailPerMinute),
		UserPerMinute:    orF(q.GmailPerUserPerMinute, DefaultGmailPerUserPerMinute)}
	s.dirPacer = &ingest.Pacer{ProjectPerMinute: orF(q.DirectoryPerMinute, DefaultDirectoryPerMinute)}
	for _, p := range []*ingest.Pacer{s.calPacer, s.gmailPacer, s.dirPacer} {
		p.Classify, p.MaxAttempts, p.BaseDelay = s.classify, cfg.MaxAttempts, cfg.RetryBaseDelay
	}
	return s, nil
}

// classify is shouldRetry, logging each retry (without the URL, which
// holds an address).
func (s *Source) classify(err error) (bool, time.Duration) {
	retry, after := shouldRetry(err)
	if retry {
		s.log.Debug("retrying", ingest.LogKeyError, stripURL(err).Error())
	}
	return retry, after
}

// do runs one API call through pacer p, each attempt bounded by the
// request timeout.
func (s *Source) do(ctx context.Context, p *ingest.Pacer, user string, cost int, call func(ctx context.Context) error) error {
	timeout := s.cfg.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	return p.Do(ctx, user, cost, func() error {
		actx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		return call(actx)
	})
}

// Stats are the request counters of a Source.
type Stats struct {
	Calls, Retries, GmailUnits int64
}

// Stats returns the counters so far.
func (s *Source) Stats() Stats {
	var st Stats
	for _, p := range []*ingest.Pacer{s.calPacer, s.gmailPacer, s.dirPacer} {
		ps := p.Stats()
		st.Calls += ps.Calls
		st.Retries += ps.Retries
	}
	st.GmailUnits = s.gmailPacer.Stats().Units
	return st
}

// client returns an HTTP client whose requests carry tokens impersonating
// subject with scopes.
func (s *Source) client(subject string, scopes []string) (*http.Client, error) {
	if s.jwt == nil {
		return s.cfg.HTTPClient, nil
	}
	jc, err := googleoauth.JWTConfigFromJSON(s.jwt, scopes...)
	if err != nil {
		return nil, fmt.Errorf("google: credentials: %w", err)
	}
	jc.Subject = subject
	if s.cfg.Endpoints.Token != "" {
		jc.TokenURL = s.cfg.Endpoints.Token
	}
	ctx := context.WithValue(s.ctx, oauth2.HTTPClient, s.base)
	return oauth2.NewClient(ctx, jc.TokenSource(ctx)), nil
}

// userClient returns the client impersonating user and the func to call
// when done with it. Calendar and Mail, which a Runner calls at once,
// share it so that one token serves both; the last one done drops it, so
// the map holds only the users being read.
func (s *Source) userClient(user string) (*http.Client, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	uc := s.users[user]
	if uc == nil {
		c, err := s.client(user, userScopes)
		if err != nil {
			return nil, nil, err
		}
		uc = &userClient{c: c}
		s.users[user] = uc
	}
	uc.refs++
	return uc.c, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if uc.refs--; uc.refs == 0 {
			delete(s.users, user)
		}
	}, nil
}

func endpointOpts(c *http.Client, endpoint string) []option.ClientOption {
	opts := []option.ClientOption{option.WithHTTPClient(c)}
	if endpoint != "" {
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	return opts
}

// Users lists the Directory's active users (suspended and archived users
// are left out: they cannot be impersonated), in the Directory's order.
func (s *Source) Users(ctx context.Context, fn func(ingest.User) error) error {
	hc, err := s.client(s.cfg.AdminEmail, []string{admin.AdminDirectoryUserReadonlyScope})
	if err != nil {
		return err
	}
	svc, err := admin.NewService(ctx, endpointOpts(hc, s.cfg.Endpoints.Directory)...)
	if err != nil {
		return fmt.Errorf("google: directory client: %w", err)
	}
	schema := s.cfg.HRSchema
	if schema == "" {
		schema = DefaultHRSchema
	}
	customer := s.cfg.Customer
	if customer == "" {
		customer = DefaultCustomer
	}
	call := svc.Users.List().Customer(customer).MaxResults(500).Projection("custom").CustomFieldMask(schema).
		ViewType("admin_view").
		Fields("nextPageToken,users(primaryEmail,suspended,archived,organizations(department,primary),relations(type,value),customSchemas)").
		Context(ctx)
	for token := ""; ; {
		call.PageToken(token)
		var page *admin.Users
		err := s.do(ctx, s.dirPacer, s.cfg.AdminEmail, 1, func(ctx context.Context) (err error) {
			page, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("directory: %w", stripURL(err))
		}
		for _, u := range page.Users {
			if u.Suspended || u.Archived || u.PrimaryEmail == "" {
				continue
			}
			if err := fn(s.user(u, schema)); err != nil {
				return err
			}
		}
		if token = page.NextPageToken; token == "" {
			return nil
		}
	}
}

// user maps a Directory user to an ingest.User.
func (s *Source) user(u *admin.User, schema string) ingest.User {
	su := synthetic.User{Email: ingest.CanonicalEmail(u.PrimaryEmail)}
	var orgs []admin.UserOrganization
	if remarshal(u.Organizations, &orgs) == nil {
		for i, o := range orgs {
			if o.Primary || (i == 0 && su.Department == "") {
				su.Department = o.Department
			}
		}
	}
	var rels []admin.UserRelation
	if remarshal(u.Relations, &rels) == nil {
		for _, r := range rels {
			if r.Type == "manager" && r.Value != "" {
				su.ManagerEmail = r.Value
			}
		}
	}
	if raw, ok := u.CustomSchemas[schema]; ok {
		var hr struct{ FunctionType, LevelDesignation string }
		if json.Unmarshal(raw, &hr) == nil {
			su.Function, su.Level = hr.FunctionType, hr.LevelDesignation
		}
	}
	p := synthetic.PersonFromUser(s.ps, su, "")
	p.IsInternal = s.domains[p.Domain]
	p.Source = SourceName
	return ingest.User{Email: su.Email, Person: p}
}

// remarshal decodes the untyped JSON value v (the SDK's interface{}
// fields) into out.
func remarshal(v any, out any) error {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// stripURL drops the request URL (which holds the user's address) from a
// transport error, keeping its cause in the chain.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

func orF(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}
