package msgraph

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults for the zero values of Config.
const (
	// DefaultEndpoint is the Graph v1.0 base URL of the global cloud.
	DefaultEndpoint = "https://graph.microsoft.com/v1.0"
	// DefaultPerMailboxConcurrency caps the requests in flight per
	// mailbox: Outlook answers 429 MailboxConcurrency beyond 4.
	DefaultPerMailboxConcurrency = 4
	// DefaultConcurrency caps the requests in flight for the whole app.
	DefaultConcurrency = 16
	// DefaultPageSize is the odata.maxpagesize asked of Outlook
	// collections (their maximum is 1000).
	DefaultPageSize = 250
	// DefaultMaxRetries is how many times the SDK's retry handler retries
	// a 429, 503 or 504 (honouring Retry-After) before the user is
	// skipped; the SDK allows at most 10.
	DefaultMaxRetries = 6
	// DefaultRequestTimeout bounds one attempt of a call; an attempt that
	// times out is retried.
	DefaultRequestTimeout = 60 * time.Second
	// DefaultFunctionAttribute and DefaultLevelAttribute are the
	// onPremisesExtensionAttributes read for FunctionType and
	// LevelDesignation (extensionAttribute1 and 2).
	DefaultFunctionAttribute = 1
	DefaultLevelAttribute    = 2
)

// Log attribute keys.
const (
	LogKeyStatus  = "status"
	LogKeyAttempt = "attempt"
)

// Credential kinds (Config.Auth).
const (
	AuthClientSecret     = "client_secret"
	AuthCertificate      = "certificate"
	AuthWorkloadIdentity = "workload_identity"
	// AuthNone sends no Authorization header: only for a loopback
	// endpoint (the fake, or a local proxy that authenticates).
	AuthNone = "none"
)

// Config configures a Source for one Microsoft 365 tenant. The zero value
// of each optional field means the documented default.
type Config struct {
	// Auth is the credential kind: client_secret, certificate,
	// workload_identity or none; "" = client_secret.
	Auth string `yaml:"auth,omitempty"`
	// TenantID and ClientID identify the Entra app registration.
	TenantID string `yaml:"tenant_id,omitempty"`
	ClientID string `yaml:"client_id,omitempty"`
	// ClientSecretFile holds the client secret (auth client_secret).
	ClientSecretFile string `yaml:"client_secret_file,omitempty"`
	// ClientSecret is the client secret itself, when not in a file: the
	// CLI sets it from $OVERLOAD_GRAPH_CLIENT_SECRET. Never in YAML.
	ClientSecret string `yaml:"-"`
	// CertificateFile is a PEM or PKCS#12 file with the certificate and
	// its private key (auth certificate); CertificatePasswordFile, if set,
	// holds its password.
	CertificateFile         string `yaml:"certificate_file,omitempty"`
	CertificatePasswordFile string `yaml:"certificate_password_file,omitempty"`
	// FederatedTokenFile is the workload identity's token file (auth
	// workload_identity); "" = $AZURE_FEDERATED_TOKEN_FILE, as azidentity
	// reads it.
	FederatedTokenFile string `yaml:"federated_token_file,omitempty"`
	// AuthorityHost is the Entra login endpoint for national clouds
	// (e.g. https://login.microsoftonline.us/); "" = the public cloud.
	AuthorityHost string `yaml:"authority_host,omitempty"`
	// Endpoint is the Graph v1.0 base URL: national clouds
	// (https://graph.microsoft.us/v1.0, https://microsoftgraph.chinacloudapi.cn/v1.0),
	// a proxy, or a fake; "" = DefaultEndpoint.
	Endpoint string `yaml:"endpoint,omitempty"`
	// Proxy is an HTTP proxy URL for every request; "" = $HTTPS_PROXY.
	Proxy string `yaml:"proxy,omitempty"`
	// Domains are the organisation's own email domains (people.is_internal).
	Domains []string `yaml:"domains"`
	// Inbox also reads received mail (the inbox folder), for
	// Emails_received and read time. Without it only sent items are read.
	Inbox bool `yaml:"inbox,omitempty"`
	// PerMailboxConcurrency caps the requests in flight per mailbox; 0 =
	// DefaultPerMailboxConcurrency.
	PerMailboxConcurrency int `yaml:"per_mailbox_concurrency,omitempty"`
	// Concurrency caps the requests in flight for the app; 0 =
	// DefaultConcurrency.
	Concurrency int `yaml:"concurrency,omitempty"`
	// PageSize is the odata.maxpagesize of calendar and mail pages; 0 =
	// DefaultPageSize.
	PageSize int `yaml:"page_size,omitempty"`
	// MaxRetries is how many times a throttled or unavailable call is
	// retried; 0 = DefaultMaxRetries, at most 10.
	MaxRetries int `yaml:"max_retries,omitempty"`
	// RetryDelay is the first backoff delay when the server gives no
	// Retry-After, in whole seconds (doubling); 0 = the SDK's 3 s.
	RetryDelay time.Duration `yaml:"retry_delay,omitempty"`
	// RequestTimeout bounds each attempt of a call (one that times out is
	// retried); 0 = DefaultRequestTimeout.
	RequestTimeout time.Duration `yaml:"request_timeout,omitempty"`
	// FunctionAttribute and LevelAttribute number the
	// onPremisesExtensionAttributes (1..15) holding FunctionType and
	// LevelDesignation; 0 = the defaults, -1 = not read.
	FunctionAttribute int `yaml:"function_attribute,omitempty"`
	LevelAttribute    int `yaml:"level_attribute,omitempty"`

	// Transport, if set, carries every request under the SDK's middleware
	// (tests); nil = a pooled transport honouring Proxy.
	Transport http.RoundTripper `yaml:"-"`
	// Logger receives warnings (retries, skipped items); nil = discard.
	// It never receives addresses or content.
	Logger *slog.Logger `yaml:"-"`
}

// Validate reports the first invalid field of cfg, naming it.
func (cfg *Config) Validate() error {
	if len(cfg.Domains) == 0 {
		return fmt.Errorf("msgraph config: domains: at least one of the organisation's email domains is required")
	}
	for _, d := range cfg.Domains {
		if d == "" || strings.Contains(d, "@") {
			return fmt.Errorf("msgraph config: domains: %q is not a domain", d)
		}
	}
	ep := cfg.endpoint()
	u, err := url.Parse(ep)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("msgraph config: endpoint %q: want an http(s) URL such as %s", ep, DefaultEndpoint)
	}
	switch cfg.auth() {
	case AuthClientSecret, AuthCertificate, AuthWorkloadIdentity:
		if u.Scheme != "https" {
			return fmt.Errorf("msgraph config: endpoint %q: credentials are only sent over https", ep)
		}
		if cfg.auth() != AuthWorkloadIdentity && (cfg.TenantID == "" || cfg.ClientID == "") {
			return fmt.Errorf("msgraph config: tenant_id and client_id are required with auth %s", cfg.auth())
		}
		if cfg.auth() == AuthClientSecret && cfg.ClientSecretFile == "" && cfg.ClientSecret == "" {
			return fmt.Errorf("msgraph config: auth client_secret needs client_secret_file (or $OVERLOAD_GRAPH_CLIENT_SECRET)")
		}
		if cfg.auth() == AuthCertificate && cfg.CertificateFile == "" {
			return fmt.Errorf("msgraph config: certificate_file is required with auth certificate")
		}
	case AuthNone:
		if !isLoopback(u.Hostname()) {
			return fmt.Errorf("msgraph config: auth none: endpoint %q is not a loopback address", ep)
		}
	default:
		return fmt.Errorf("msgraph config: auth %q: want client_secret, certificate, workload_identity or none", cfg.Auth)
	}
	if cfg.PerMailboxConcurrency < 0 || cfg.Concurrency < 0 || cfg.PageSize < 0 || cfg.PageSize > 1000 {
		return fmt.Errorf("msgraph config: per_mailbox_concurrency %d, concurrency %d, page_size %d: want 0 or more (page_size at most 1000)",
			cfg.PerMailboxConcurrency, cfg.Concurrency, cfg.PageSize)
	}
	if cfg.MaxRetries < 0 || cfg.MaxRetries > 10 || cfg.RetryDelay < 0 || cfg.RequestTimeout < 0 {
		return fmt.Errorf("msgraph config: max_retries %d (0..10), retry_delay %s, request_timeout %s: out of range",
			cfg.MaxRetries, cfg.RetryDelay, cfg.RequestTimeout)
	}
	for name, n := range map[string]int{"function_attribute": cfg.FunctionAttribute, "level_attribute": cfg.LevelAttribute} {
		if n < -1 || n > 15 {
			return fmt.Errorf("msgraph config: %s %d: want 1..15, 0 for the default or -1 for none", name, n)
		}
	}
	return nil
}

func (cfg *Config) endpoint() string {
	if cfg.Endpoint == "" {
		return DefaultEndpoint
	}
	return strings.TrimSuffix(cfg.Endpoint, "/")
}

func (cfg *Config) auth() string {
	if cfg.Auth == "" {
		return AuthClientSecret
	}
	return cfg.Auth
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func orInt(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}
