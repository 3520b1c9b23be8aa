package msgraph

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoft/kiota-abstractions-go/store"
	kiotaauth "github.com/microsoft/kiota-authentication-azure-go"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"

	"github.com/overload-engine/overload/ingest"
)

// Only the users and models packages of msgraph-sdk-go are imported, never
// its root package, which links every API area of Graph and takes many
// minutes to compile. The root client normally registers the JSON
// (de)serializers; this package does it itself, once, and makes the
// models' backing stores lean ones (store.go).
var registerOnce sync.Once

func registerSerializers() {
	registerOnce.Do(func() {
		abs.RegisterDefaultSerializer(func() serialization.SerializationWriterFactory {
			return jsonser.NewJsonSerializationWriterFactory()
		})
		abs.RegisterDefaultDeserializer(func() serialization.ParseNodeFactory {
			return parseNodeFactory{}
		})
		store.BackingStoreFactoryInstance = newLeanStore
	})
}

// newAdapter builds the request adapter: the SDK's default middleware
// (retry honouring Retry-After, redirects, compression, user agent) with
// our retry options, over a transport that caps requests in flight.
func newAdapter(cfg *Config, lim *limiter) (*msgraphcore.GraphRequestAdapterBase, error) {
	registerSerializers()
	auth, err := authProvider(cfg)
	if err != nil {
		return nil, err
	}
	retry := &khttp.RetryHandlerOptions{
		MaxRetries:   orInt(cfg.MaxRetries, DefaultMaxRetries),
		DelaySeconds: int(cfg.RetryDelay / time.Second),
		ShouldRetry: func(delay time.Duration, n int, req *http.Request, resp *http.Response) bool {
			lim.retries.Add(1)
			cfg.Logger.Debug("retrying", LogKeyStatus, resp.StatusCode, LogKeyAttempt, n+1)
			return true
		},
	}
	mws, err := khttp.GetDefaultMiddlewaresWithOptions(retry)
	if err != nil {
		return nil, fmt.Errorf("msgraph: middleware: %w", err)
	}
	opts := msgraphcore.GraphClientOptions{GraphServiceVersion: "v1.0", GraphServiceLibraryVersion: "overload"}
	mws = append([]khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&opts),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
	}, mws...)
	parent := cfg.Transport
	if parent == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 256
		if cfg.Proxy != "" {
			pu, err := url.Parse(cfg.Proxy)
			if err != nil {
				return nil, fmt.Errorf("msgraph config: proxy %q: %w", cfg.Proxy, err)
			}
			tr.Proxy = http.ProxyURL(pu)
		}
		parent = tr
	}
	lim.next = parent
	lim.onRetry = func(err error) { cfg.Logger.Debug("retrying", ingest.LogKeyError, describe(err).Error()) }
	hc := &http.Client{Transport: khttp.NewCustomTransportWithParentTransport(lim, mws...)}
	ad, err := msgraphcore.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, opts, nil, nil, hc)
	if err != nil {
		return nil, fmt.Errorf("msgraph: request adapter: %w", err)
	}
	ad.SetBaseUrl(cfg.endpoint())
	return ad, nil
}

// authProvider returns the Authorization provider for cfg.Auth: an Entra
// app-only token for the endpoint's host (scope https://HOST/.default), or
// none.
func authProvider(cfg *Config) (absauth.AuthenticationProvider, error) {
	if cfg.auth() == AuthNone {
		return &absauth.AnonymousAuthenticationProvider{}, nil
	}
	cred, err := credential(cfg)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.endpoint())
	scopes := []string{"https://" + u.Host + "/.default"}
	p, err := kiotaauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(cred, scopes, []string{u.Host})
	if err != nil {
		return nil, fmt.Errorf("msgraph: auth provider: %w", err)
	}
	return p, nil
}

// credential builds the azidentity credential of cfg. Secrets are read
// from files or the environment, never from the config itself, and never
// quoted in errors.
func credential(cfg *Config) (azcore.TokenCredential, error) {
	cred, err := newCredential(cfg)
	if err != nil {
		return nil, fmt.Errorf("msgraph: %s credential: %w", cfg.auth(), err)
	}
	return cred, nil
}

func newCredential(cfg *Config) (azcore.TokenCredential, error) {
	co := azcore.ClientOptions{}
	if cfg.AuthorityHost != "" {
		co.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: cfg.AuthorityHost}
	}
	if cfg.Proxy != "" {
		pu, err := url.Parse(cfg.Proxy)
		if err != nil {
			return nil, fmt.Errorf("proxy %q: %w", cfg.Proxy, err)
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.Proxy = http.ProxyURL(pu)
		co.Transport = &http.Client{Transport: tr}
	}
	switch cfg.auth() {
	case AuthClientSecret:
		secret := cfg.ClientSecret
		if cfg.ClientSecretFile != "" {
			b, err := os.ReadFile(cfg.ClientSecretFile)
			if err != nil {
				return nil, fmt.Errorf("client_secret_file: %w", err)
			}
			secret = strings.TrimSpace(string(b))
		}
		if secret == "" {
			return nil, fmt.Errorf("client_secret_file %s is empty", cfg.ClientSecretFile)
		}
		return azidentity.NewClientSecretCredential(cfg.TenantID, cfg.ClientID, secret,
			&azidentity.ClientSecretCredentialOptions{ClientOptions: co})
	case AuthCertificate:
		data, err := os.ReadFile(cfg.CertificateFile)
		if err != nil {
			return nil, fmt.Errorf("certificate_file: %w", err)
		}
		var pw []byte
		if cfg.CertificatePasswordFile != "" {
			b, err := os.ReadFile(cfg.CertificatePasswordFile)
			if err != nil {
				return nil, fmt.Errorf("certificate_password_file: %w", err)
			}
			pw = []byte(strings.TrimSpace(string(b)))
		}
		certs, key, err := azidentity.ParseCertificates(data, pw)
		if err != nil {
			return nil, fmt.Errorf("certificate_file %s: not a certificate with its private key", cfg.CertificateFile)
		}
		return azidentity.NewClientCertificateCredential(cfg.TenantID, cfg.ClientID, certs, key,
			&azidentity.ClientCertificateCredentialOptions{ClientOptions: co, SendCertificateChain: true})
	case AuthWorkloadIdentity:
		// Empty tenant, client and token file default, inside azidentity,
		// to $AZURE_TENANT_ID, $AZURE_CLIENT_ID and
		// $AZURE_FEDERATED_TOKEN_FILE (set by AKS workload identity).
		return azidentity.NewWorkloadIdentityCredential(&azidentity.WorkloadIdentityCredentialOptions{
			ClientOptions: co, TenantID: cfg.TenantID, ClientID: cfg.ClientID, TokenFilePath: cfg.FederatedTokenFile})
	}
	return nil, fmt.Errorf("unknown auth %q", cfg.Auth)
}
