package google

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Defaults for the zero values of Config.
const (
	DefaultCustomer = "my_customer"
	// DefaultHRSchema is the Directory custom schema read for the HR
	// attributes the standard fields lack: fields FunctionType and
	// LevelDesignation.
	DefaultHRSchema = "Overload"
	// DefaultPerUserConcurrency caps the requests in flight per user:
	// Gmail answers "Too many concurrent requests for user" beyond a few.
	DefaultPerUserConcurrency = 5

	// Quotas in requests (Calendar, Directory) or quota units (Gmail) per
	// minute, per project and per user, from Google's published limits.
	DefaultCalendarPerMinute        = 10_000
	DefaultCalendarPerUserPerMinute = 600
	DefaultGmailPerMinute           = 1_200_000
	DefaultGmailPerUserPerMinute    = 15_000
	DefaultDirectoryPerMinute       = 2_400

	// DefaultRequestTimeout bounds one API call; a call that times out is
	// retried.
	DefaultRequestTimeout = 60 * time.Second
)

// Config configures a Source for one Google Workspace customer. The zero
// value of each optional field means the documented default.
type Config struct {
	// CredentialsFile is the service account's JSON key. Its client must
	// be authorized for domain-wide delegation with Scopes. Required
	// unless HTTPClient is set (tests and proxies that authenticate).
	CredentialsFile string `yaml:"credentials_file"`
	// AdminEmail is the administrator Directory calls impersonate.
	AdminEmail string `yaml:"admin_email"`
	// Customer is the Directory customer; "" = DefaultCustomer.
	Customer string `yaml:"customer,omitempty"`
	// Domains are the organisation's own email domains (people.is_internal).
	// "" = the domain of AdminEmail.
	Domains []string `yaml:"domains,omitempty"`
	// Inbox also reads received mail (label INBOX), for Emails_received
	// and read time. Without it only sent mail (label SENT) is read.
	Inbox bool `yaml:"inbox,omitempty"`
	// HRSchema names the Directory custom schema with the FunctionType and
	// LevelDesignation fields; "" = DefaultHRSchema.
	HRSchema string `yaml:"hr_schema,omitempty"`
	// PerUserConcurrency caps the requests in flight per user; 0 =
	// DefaultPerUserConcurrency.
	PerUserConcurrency int `yaml:"per_user_concurrency,omitempty"`
	// Endpoints override the API base URLs (a fake, or a proxy such as
	// psoxy); empty fields mean Google's.
	Endpoints Endpoints `yaml:"endpoints,omitempty"`
	// Quota overrides the pacing budgets; zero fields mean the defaults.
	Quota Quota `yaml:"quota,omitempty"`
	// MaxAttempts is how many times a call is tried before its user is
	// skipped; 0 = ingest.DefaultMaxAttempts.
	MaxAttempts int `yaml:"max_attempts,omitempty"`
	// RetryBaseDelay is the first backoff delay (doubling, with jitter, up
	// to a minute) when the server gives no Retry-After; 0 =
	// ingest.DefaultBaseDelay.
	RetryBaseDelay time.Duration `yaml:"retry_base_delay,omitempty"`
	// RequestTimeout bounds each API call (a hung call is retried); 0 =
	// DefaultRequestTimeout.
	RequestTimeout time.Duration `yaml:"request_timeout,omitempty"`

	// HTTPClient, if set, carries every request. With CredentialsFile it
	// is the transport under the OAuth tokens; without, requests are sent
	// as they are (no Authorization header).
	HTTPClient *http.Client `yaml:"-"`
	// Logger receives warnings (retries, skipped items); nil = discard.
	// It never receives addresses or content.
	Logger *slog.Logger `yaml:"-"`
}

// Endpoints are API base URLs. Calendar's must end in "/calendar/v3/"
// (with the slash); Directory's and Gmail's are the host root ("…/").
type Endpoints struct {
	Directory string `yaml:"directory,omitempty"`
	Calendar  string `yaml:"calendar,omitempty"`
	Gmail     string `yaml:"gmail,omitempty"`
	// Token overrides the key file's token_uri.
	Token string `yaml:"token,omitempty"`
}

// Quota holds pacing budgets per minute: Calendar and Directory in
// requests, Gmail in quota units (messages.list and messages.get cost 5).
type Quota struct {
	CalendarPerMinute        float64 `yaml:"calendar_per_minute,omitempty"`
	CalendarPerUserPerMinute float64 `yaml:"calendar_per_user_per_minute,omitempty"`
	GmailPerMinute           float64 `yaml:"gmail_units_per_minute,omitempty"`
	GmailPerUserPerMinute    float64 `yaml:"gmail_units_per_user_per_minute,omitempty"`
	DirectoryPerMinute       float64 `yaml:"directory_per_minute,omitempty"`
}

// Validate reports the first invalid field of cfg, naming it.
func (cfg *Config) Validate() error {
	if cfg.CredentialsFile == "" && cfg.HTTPClient == nil {
		return fmt.Errorf("google config: credentials_file is required")
	}
	if !strings.Contains(cfg.AdminEmail, "@") {
		return fmt.Errorf("google config: admin_email %q: want an administrator's address", cfg.AdminEmail)
	}
	for _, d := range cfg.Domains {
		if d == "" || strings.Contains(d, "@") {
			return fmt.Errorf("google config: domains: %q is not a domain", d)
		}
	}
	if c := cfg.Endpoints.Calendar; c != "" && !strings.HasSuffix(c, "/calendar/v3/") {
		return fmt.Errorf("google config: endpoints.calendar %q: want a URL ending in /calendar/v3/", c)
	}
	for name, u := range map[string]string{"directory": cfg.Endpoints.Directory, "gmail": cfg.Endpoints.Gmail} {
		if u != "" && !strings.HasSuffix(u, "/") {
			return fmt.Errorf("google config: endpoints.%s %q: want a URL ending in /", name, u)
		}
	}
	if cfg.MaxAttempts < 0 || cfg.RetryBaseDelay < 0 || cfg.RequestTimeout < 0 {
		return fmt.Errorf("google config: max_attempts %d, retry_base_delay %s, request_timeout %s: want 0 or more",
			cfg.MaxAttempts, cfg.RetryBaseDelay, cfg.RequestTimeout)
	}
	if cfg.PerUserConcurrency < 0 {
		return fmt.Errorf("google config: per_user_concurrency %d: want 0 or more", cfg.PerUserConcurrency)
	}
	return nil
}
