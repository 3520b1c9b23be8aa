package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/google"
	"github.com/overload-engine/overload/ingest/msgraph"
	"github.com/overload-engine/overload/ingest/synthetic"
	"github.com/overload-engine/overload/report"
)

// Source types of a batch config.
const (
	sourceSynthetic = "synthetic"
	sourceGoogle    = "google"
	sourceMSGraph   = "msgraph"
)

// Defaults of a batch config's zero values.
const (
	DefaultTrendWeeks     = 12 // trailing weeks shown in the HR and manager trends
	DefaultSyntheticSeed  = 1
	DefaultDatasetDirName = "dataset" // under out, when dataset is empty
)

// batchConfig is the YAML configuration of `overload run` and `overload
// config check`. Every field is documented in configs/README.md; zero values
// mean the defaults named there. Relative paths are relative to the file.
type batchConfig struct {
	// Sources are the tenants to read; one or more. People present in two
	// tenants are matched by email: the same canonical email gives the
	// same person_id under the same org key.
	Sources []batchSource `yaml:"sources"`
	// InternalDomains are the organisation's own email domains
	// (people.is_internal); they fill each connector's own domains when
	// that is empty.
	InternalDomains []string `yaml:"internal_domains"`
	// OrgKeyFile or OrgKeyEnv (exactly one, unless every source is
	// synthetic) give the pseudonymization key: a file, or the name of an
	// environment variable holding the key itself.
	OrgKeyFile string `yaml:"org_key_file"`
	OrgKeyEnv  string `yaml:"org_key_env"`
	// OrgKey is never allowed: it is decoded only to reject it by name.
	OrgKey string `yaml:"org_key"`
	// Defaults are the organisation's working-hour defaults, for people
	// whose source has none (Google never has them).
	Defaults batchDefaults `yaml:"defaults"`
	// Preset names the metric preset (analysis.PresetNames); "" = default.
	Preset string `yaml:"preset"`
	// Analysis overrides any analysis.Config field (configs/analysis.yaml).
	Analysis yaml.Node `yaml:"analysis"`
	// Privacy holds the privacy floors.
	Privacy batchPrivacy `yaml:"privacy"`
	// Reports says which reports to publish, for whom.
	Reports batchReports `yaml:"reports"`
	// TrendWeeks is how many trailing weeks already in Out the HR and
	// manager trends show; 0 = DefaultTrendWeeks, -1 = none.
	TrendWeeks int `yaml:"trend_weeks"`
	// Out is the output root: OUT/2026-W47/... per week.
	Out string `yaml:"out"`
	// Dataset is where ingested data accumulates; "" = OUT/dataset.
	Dataset string `yaml:"dataset"`
	// Concurrency is how many users are read at once per source; 0 =
	// ingest.DefaultConcurrency.
	Concurrency int `yaml:"concurrency"`

	path     string          // the file it came from
	analysis analysis.Config // preset + overrides + defaults + privacy, validated
}

// batchSource is one tenant.
type batchSource struct {
	// Type is synthetic, google or msgraph.
	Type string `yaml:"type"`
	// Name names the dataset shard and the checkpoint directory (letters,
	// digits, _); "" = Type. Two sources need two names.
	Name      string           `yaml:"name"`
	Synthetic *syntheticSource `yaml:"synthetic"`
	Google    *google.Config   `yaml:"google"`
	// GoogleConfig, instead of Google, names an `overload ingest google`
	// config file (configs/google.yaml, or the one `overload fakeapi google`
	// writes) whose google section is used. Its org key is not: the batch's is.
	GoogleConfig string `yaml:"google_config"`
	// MSGraph configures a Microsoft Graph source: the msgraph section of
	// configs/msgraph.yaml. Relative paths are relative to the batch config.
	MSGraph *msgraph.Config `yaml:"msgraph"`
}

// syntheticSource configures the built-in synthetic organisation.
type syntheticSource struct {
	People int    `yaml:"people"` // 0 = synthetic.DefaultPeople
	Seed   int64  `yaml:"seed"`   // 0 = DefaultSyntheticSeed
	Domain string `yaml:"domain"` // "" = synthetic.DefaultDomain
}

type batchDefaults struct {
	TimeZone  string `yaml:"time_zone"`  // IANA zone; "" = the preset's (UTC)
	WorkStart string `yaml:"work_start"` // "HH:MM"; "" = the preset's
	WorkEnd   string `yaml:"work_end"`
	WorkDays  string `yaml:"work_days"` // "Mon,Tue,Wed,Thu,Fri"
}

type batchPrivacy struct {
	// MinGroupSize is the smallest group shown; 0 = the preset's (5); at least 3.
	MinGroupSize int `yaml:"min_group_size"`
}

type batchReports struct {
	HR       *hrReportConfig      `yaml:"hr"`
	Managers *managerReportConfig `yaml:"managers"`
	Me       *meReportConfig      `yaml:"me"`
}

type hrReportConfig struct {
	By string `yaml:"by"` // report.GroupAttributes; "" = Organization
}

type managerReportConfig struct {
	// Emails are managers to write a team report for.
	Emails []string `yaml:"emails"`
	// MinReports, when > 0, adds every manager with at least that many
	// direct internal reports.
	MinReports int `yaml:"min_reports"`
}

type meReportConfig struct {
	Emails []string `yaml:"emails"` // people who get their own report
}

// A configError names the field of a config file that is wrong and what
// to do about it.
type configError struct {
	Path, Field string
	Value       any
	Fix         string
}

func (e *configError) Error() string {
	if e.Value == nil {
		return fmt.Sprintf("config %s: %s: %s", e.Path, e.Field, e.Fix)
	}
	return fmt.Sprintf("config %s: %s: %v: %s", e.Path, e.Field, e.Value, e.Fix)
}

// loadBatchConfig reads, resolves and validates the batch config at path.
// It reads the files the config names (the org key, credentials) only to
// check they exist; it calls no API.
func loadBatchConfig(env *Env, path string) (*batchConfig, error) {
	var cfg batchConfig
	if err := readStrictYAML(path, &cfg); err != nil && !errors.Is(err, io.EOF) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, fmt.Errorf("config %s: %s (see configs/README.md for the fields)", path, yamlErrorLine(err))
	}
	cfg.path = path
	dir := filepath.Dir(path)
	rel := func(p string) string { return relTo(dir, p) }
	cfg.OrgKeyFile = rel(cfg.OrgKeyFile)
	cfg.Out = rel(cfg.Out)
	cfg.Dataset = rel(cfg.Dataset)
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if g := s.Google; g != nil {
			g.CredentialsFile = rel(g.CredentialsFile)
		}
		if m := s.MSGraph; m != nil {
			if len(m.Domains) == 0 {
				m.Domains = slices.Clone(cfg.InternalDomains)
			}
			if err := resolveGraphConfig(m, dir, env.Getenv); err != nil {
				return nil, &configError{Path: path, Field: fmt.Sprintf("sources[%d].msgraph", i), Fix: err.Error()}
			}
		}
		if s.GoogleConfig != "" {
			if s.Google != nil {
				return nil, &configError{Path: path, Field: fmt.Sprintf("sources[%d].google_config", i), Value: s.GoogleConfig,
					Fix: "give a google section or google_config, not both"}
			}
			ic, err := loadIngestConfig(rel(s.GoogleConfig))
			if err != nil {
				return nil, &configError{Path: path, Field: fmt.Sprintf("sources[%d].google_config", i), Value: s.GoogleConfig, Fix: err.Error()}
			}
			s.Google = ic.Google
		}
	}
	if err := cfg.validate(env); err != nil {
		return nil, err
	}
	return &cfg, nil
}

var yamlUnknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlErrorLine renders a YAML decoding error on one line, naming unknown
// fields plainly.
func yamlErrorLine(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = yamlUnknownField.ReplaceAllString(m, "unknown field $1")
	}
	return strings.Join(msgs, "; ")
}

// validate checks every field, resolves the analysis config, and names
// the first bad field.
func (c *batchConfig) validate(env *Env) error {
	bad := func(field string, v any, fix string) error {
		return &configError{Path: c.path, Field: field, Value: v, Fix: fix}
	}
	if c.OrgKey != "" {
		return bad("org_key", nil, "an inline key is not allowed (a config file gets copied and committed): put the key in a file (org_key_file) or an environment variable (org_key_env)")
	}
	if len(c.Sources) == 0 {
		return bad("sources", nil, "name at least one source (synthetic, google or msgraph)")
	}
	names := map[string]bool{}
	allSynthetic := true
	for i := range c.Sources {
		s := &c.Sources[i]
		field := fmt.Sprintf("sources[%d]", i)
		if s.Name == "" {
			s.Name = s.Type
		}
		switch s.Type {
		case sourceSynthetic:
			if s.Google != nil || s.GoogleConfig != "" || s.MSGraph != nil {
				return bad(field, s.Type, "a synthetic source takes only a synthetic section")
			}
			if s.Synthetic == nil {
				s.Synthetic = &syntheticSource{}
			}
			if p := s.Synthetic.People; p < 0 || p > 200000 {
				return bad(field+".synthetic.people", p, "want 1 to 200000 (0 = 500)")
			}
		case sourceGoogle:
			allSynthetic = false
			if s.Google == nil {
				return bad(field+".google", nil, "a google source needs a google section or google_config (see configs/google-batch.yaml)")
			}
			if len(s.Google.Domains) == 0 {
				s.Google.Domains = slices.Clone(c.InternalDomains)
			}
			if err := s.Google.Validate(); err != nil {
				return bad(field+".google", nil, err.Error())
			}
			if _, err := os.Stat(s.Google.CredentialsFile); err != nil {
				return bad(field+".google.credentials_file", s.Google.CredentialsFile, "cannot read it: give the service account's JSON key file")
			}
		case sourceMSGraph:
			allSynthetic = false
			if s.MSGraph == nil {
				return bad(field+".msgraph", nil, "an msgraph source needs an msgraph section (see configs/msgraph-batch.yaml)")
			}
		case "":
			return bad(field+".type", nil, "missing: want synthetic, google or msgraph")
		default:
			return bad(field+".type", s.Type, "want synthetic, google or msgraph")
		}
		if strings.Trim(s.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
			return bad(field+".name", s.Name, "use letters, digits and _ only")
		}
		if names[s.Name] {
			return bad(field+".name", s.Name, "two sources have this name: give each its own name")
		}
		names[s.Name] = true
	}
	for i, d := range c.InternalDomains {
		if d == "" || strings.ContainsAny(d, "@ /") {
			return bad(fmt.Sprintf("internal_domains[%d]", i), d, "want a bare domain such as example.com")
		}
	}
	switch {
	case c.OrgKeyFile != "" && c.OrgKeyEnv != "":
		return bad("org_key_file", c.OrgKeyFile, "give org_key_file or org_key_env, not both")
	case c.OrgKeyFile == "" && c.OrgKeyEnv == "" && !allSynthetic:
		return bad("org_key_file", nil, "required: a file holding the org key (head -c 32 /dev/urandom | base64 > org.key), or org_key_env naming an environment variable that holds it")
	}
	if c.OrgKeyFile != "" || c.OrgKeyEnv != "" {
		if _, err := c.pseudonymizer(env); err != nil {
			return err
		}
	}
	if c.Defaults.TimeZone != "" {
		if _, err := time.LoadLocation(c.Defaults.TimeZone); err != nil || c.Defaults.TimeZone == "Local" {
			return bad("defaults.time_zone", c.Defaults.TimeZone, "not an IANA time zone: want e.g. Europe/Paris or America/New_York")
		}
	}
	if c.Privacy.MinGroupSize != 0 && c.Privacy.MinGroupSize < 3 {
		return bad("privacy.min_group_size", c.Privacy.MinGroupSize, "the privacy floor must be 3 or more (SPEC §6); 5 is the default")
	}
	if c.TrendWeeks < -1 || c.TrendWeeks > 104 {
		return bad("trend_weeks", c.TrendWeeks, "want 0 (= 12) to 104, or -1 for no trend")
	}
	if c.Concurrency < 0 {
		return bad("concurrency", c.Concurrency, "want 0 (the default) or more")
	}
	if c.Out == "" {
		return bad("out", nil, "required: the directory reports are written to (OUT/2026-W47/...)")
	}
	if err := c.validateReports(bad); err != nil {
		return err
	}
	return c.resolveAnalysis(bad)
}

func (c *batchConfig) validateReports(bad func(string, any, string) error) error {
	r := c.Reports
	if r.HR == nil && r.Managers == nil && r.Me == nil {
		return bad("reports", nil, "publish at least one report: hr, managers or me")
	}
	if r.HR != nil && r.HR.By != "" {
		if _, ok := report.GroupBy(r.HR.By); !ok {
			return bad("reports.hr.by", r.HR.By, "want one of "+strings.Join(report.GroupAttributes, ", "))
		}
	}
	if m := r.Managers; m != nil {
		if m.MinReports < 0 {
			return bad("reports.managers.min_reports", m.MinReports, "want 1 or more (0 = only the listed emails)")
		}
		if len(m.Emails) == 0 && m.MinReports == 0 {
			return bad("reports.managers", nil, "list manager emails, or set min_reports to publish for every manager with that many direct reports")
		}
		for i, e := range m.Emails {
			if !strings.Contains(e, "@") {
				return bad(fmt.Sprintf("reports.managers.emails[%d]", i), e, "want an email address")
			}
		}
	}
	if m := r.Me; m != nil {
		for i, e := range m.Emails {
			if !strings.Contains(e, "@") {
				return bad(fmt.Sprintf("reports.me.emails[%d]", i), e, "want an email address")
			}
		}
	}
	return nil
}

// resolveAnalysis builds the analysis config: the preset, then the
// analysis overrides, then defaults and privacy.
func (c *batchConfig) resolveAnalysis(bad func(string, any, string) error) error {
	cfg, err := analysis.Preset(c.Preset)
	if err != nil {
		return bad("preset", c.Preset, "want one of "+strings.Join(analysis.PresetNames(), ", "))
	}
	if !c.Analysis.IsZero() {
		b, err := yaml.Marshal(&c.Analysis)
		if err != nil {
			return bad("analysis", nil, err.Error())
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil {
			msg := regexp.MustCompile(`line \d+: `).ReplaceAllString(yamlErrorLine(err), "")
			return bad("analysis", nil, msg+" (fields are those of configs/analysis.yaml)")
		}
		if cfg.Preset != "" && cfg.Preset != c.Preset && !(c.Preset == "" && cfg.Preset == "default") {
			return bad("analysis.preset", cfg.Preset, "set the preset with the top-level preset field")
		}
	}
	d := c.Defaults
	for _, o := range []struct {
		v   string
		dst *string
	}{{d.TimeZone, &cfg.DefaultTimeZone}, {d.WorkStart, &cfg.DefaultWorkStart}, {d.WorkEnd, &cfg.DefaultWorkEnd}, {d.WorkDays, &cfg.DefaultWorkDays}} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if c.Privacy.MinGroupSize != 0 {
		cfg.MinGroupSize = c.Privacy.MinGroupSize
	}
	if err := cfg.Validate(); err != nil {
		field := strings.SplitN(err.Error(), ":", 2)[0]
		switch field {
		case "default_time_zone":
			field = "defaults.time_zone"
		case "default_work_start":
			field = "defaults.work_start"
		case "default_work_end":
			field = "defaults.work_end"
		case "default_work_days":
			field = "defaults.work_days"
		case "min_group_size":
			field = "privacy.min_group_size"
		default:
			field = "analysis." + field
		}
		_, rest, _ := strings.Cut(err.Error(), ": ")
		return bad(field, nil, rest)
	}
	c.analysis = cfg
	return nil
}

// pseudonymizer returns the org's pseudonymizer: from the key file or
// environment variable, or the public demo key when every source is
// synthetic and no key is given.
func (c *batchConfig) pseudonymizer(env *Env) (*ingest.Pseudonymizer, error) {
	var key []byte
	switch {
	case c.OrgKeyFile != "":
		b, err := os.ReadFile(c.OrgKeyFile)
		if err != nil {
			return nil, &configError{Path: c.path, Field: "org_key_file", Value: c.OrgKeyFile,
				Fix: "cannot read it: create it (head -c 32 /dev/urandom | base64 > org.key; chmod 600 org.key) or fix the path (relative paths are relative to the config file)"}
		}
		key = b
	case c.OrgKeyEnv != "":
		v := ""
		if env.Getenv != nil {
			v = env.Getenv(c.OrgKeyEnv)
		}
		if v == "" {
			return nil, &configError{Path: c.path, Field: "org_key_env", Value: c.OrgKeyEnv, Fix: "the environment variable is empty or not set: export it with the org key"}
		}
		key = []byte(v)
	default:
		key = []byte(synthetic.DefaultKey)
	}
	ps, err := ingest.NewPseudonymizer([]byte(strings.TrimSpace(string(key))))
	if err != nil {
		field, val := "org_key_file", c.OrgKeyFile
		if c.OrgKeyEnv != "" {
			field, val = "org_key_env", c.OrgKeyEnv
		}
		return nil, &configError{Path: c.path, Field: field, Value: val, Fix: err.Error()}
	}
	return ps, nil
}

// keySource describes where the key comes from, for check and manifest.
func (c *batchConfig) keySource() string {
	switch {
	case c.OrgKeyFile != "":
		return "the key in file " + c.OrgKeyFile
	case c.OrgKeyEnv != "":
		return "the key in environment variable $" + c.OrgKeyEnv
	}
	return "the public synthetic demo key (synthetic sources only)"
}

// datasetDir is where the ingested dataset accumulates.
func (c *batchConfig) datasetDir() string {
	if c.Dataset != "" {
		return c.Dataset
	}
	return filepath.Join(c.Out, DefaultDatasetDirName)
}

// trendWeeks is the number of trailing weeks to show.
func (c *batchConfig) trendWeeks() int {
	switch c.TrendWeeks {
	case 0:
		return DefaultTrendWeeks
	case -1:
		return 0
	}
	return c.TrendWeeks
}
