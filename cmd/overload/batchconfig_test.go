package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/overload-engine/overload/analysis"
)

// otherConfigFormats are the files of configs/ that are not batch configs,
// each with its own loader (nil: owned and tested by another command).
var otherConfigFormats = map[string]func(path string) error{
	"analysis.yaml": func(p string) error { _, err := analysis.LoadConfig(p, ""); return err },
	"google.yaml":   func(p string) error { _, err := loadIngestConfig(p); return err },
	"msgraph.yaml":  nil, // `overload ingest graph`'s config, tested with it
}

// TestBatchConfig_examples parses every configs/*.yaml file, each with its
// loader. Batch configs are copied beside stand-ins for the files they name
// (org key, credentials), since those are the operator's.
func TestBatchConfig_examples(t *testing.T) {
	paths, err := filepath.Glob("../../configs/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no configs: %v", err)
	}
	batch := 0
	for _, p := range paths {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			if load, ok := otherConfigFormats[name]; ok {
				if load != nil {
					if err := load(p); err != nil {
						t.Error(err)
					}
				}
				return
			}
			batch++
			dir := t.TempDir()
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for f, content := range map[string]string{name: string(b), "org.key": "0123456789abcdef0123456789abcdef\n",
				"service-account.json": "{}", "graph-client.secret": "secret"} {
				if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			getenv := func(k string) string {
				if k == "OVERLOAD_ORG_KEY" {
					return "0123456789abcdef0123456789abcdef"
				}
				return ""
			}
			env := &Env{Getenv: getenv}
			cfg, err := loadBatchConfig(env, filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.analysis.MinGroupSize < 3 || len(cfg.Sources) == 0 {
				t.Errorf("floor %d, %d sources", cfg.analysis.MinGroupSize, len(cfg.Sources))
			}
		})
	}
	for _, want := range []string{"demo.yaml", "google-batch.yaml", "msgraph-batch.yaml", "both.yaml"} {
		if _, err := os.Stat(filepath.Join("../../configs", want)); err != nil {
			t.Errorf("example config %s: %v", want, err)
		}
	}
}

func TestConfigCheck_demo(t *testing.T) {
	stdout, stderr, err := runCLI(t, "config", "check", "../../configs/demo.yaml")
	if err != nil {
		t.Fatalf("config check: %v\n%s", err, stderr)
	}
	for _, want := range []string{"is valid", "week 2026-W47", "synthetic", "privacy floor 5", "manager reports"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config check output lacks %q:\n%s", want, stdout)
		}
	}
}

// TestConfig_mistakes checks that each mistake is rejected, by `run` and
// by `config check`, before any API call, with a message naming the field
// and saying what to fix.
func TestConfig_mistakes(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "org.key"), []byte("0123456789abcdef0123456789abcdef"), 0o600)
	os.WriteFile(filepath.Join(dir, "sa.json"), []byte("{}"), 0o600)
	base := `sources:
  - type: google
    google:
      credentials_file: sa.json
      admin_email: admin@example.com
      endpoints: {directory: ` + srv.URL + `/, calendar: ` + srv.URL + `/calendar/v3/, gmail: ` + srv.URL + `/, token: ` + srv.URL + `/token}
org_key_file: org.key
reports: {hr: {}}
out: out
`
	for _, tt := range []struct {
		name      string
		edit      func(string) string
		wantField string
		wantFix   string
	}{
		{"unknown field", func(s string) string { return s + "colour: blue\n" }, "unknown field colour", "configs/README.md"},
		{"unknown nested field", func(s string) string { return strings.Replace(s, "hr: {}", "hr: {group: x}", 1) }, "unknown field group", "configs/README.md"},
		{"bad time zone", func(s string) string { return s + "defaults: {time_zone: Mars/Olympus}\n" }, "defaults.time_zone", "IANA"},
		{"floor below 3", func(s string) string { return s + "privacy: {min_group_size: 2}\n" }, "privacy.min_group_size", "3 or more"},
		{"floor below 3 in overrides", func(s string) string { return s + "analysis: {min_group_size: 1}\n" }, "privacy.min_group_size", "3 or more"},
		{"missing key file", func(s string) string { return strings.Replace(s, "org.key", "missing.key", 1) }, "org_key_file", "create it"},
		{"inline key", func(s string) string { return s + "org_key: c2VjcmV0c2VjcmV0c2VjcmV0\n" }, "org_key", "inline key is not allowed"},
		{"no key", func(s string) string { return strings.Replace(s, "org_key_file: org.key\n", "", 1) }, "org_key_file", "required"},
		{"unset key variable", func(s string) string {
			return strings.Replace(s, "org_key_file: org.key", "org_key_env: OVERLOAD_TEST_UNSET", 1)
		}, "org_key_env", "not set"},
		{"unknown source", func(s string) string { return strings.Replace(s, "type: google", "type: exchange", 1) }, "sources[0].type", "want synthetic, google or msgraph"},
		{"missing credentials", func(s string) string { return strings.Replace(s, "sa.json", "nope.json", 1) }, "sources[0].google.credentials_file", "cannot read"},
		{"google twice", func(s string) string {
			return strings.Replace(s, "    google:\n", "    google_config: google.yaml\n    google:\n", 1)
		}, "sources[0].google_config", "not both"},
		{"bad preset", func(s string) string { return s + "preset: fast\n" }, "preset", "want one of"},
		{"bad override", func(s string) string { return s + "analysis: {focus_minutes: -1}\n" }, "analysis.focus_minutes", "non-negative"},
		{"no reports", func(s string) string { return strings.Replace(s, "reports: {hr: {}}\n", "", 1) }, "reports", "at least one"},
		{"bad group", func(s string) string { return strings.Replace(s, "hr: {}", "hr: {by: Team}", 1) }, "reports.hr.by", "want one of"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(tt.edit(base)), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"run", "--config", path, "--out", t.TempDir()}, {"config", "check", path}} {
				_, _, err := runCLIEnv(context.Background(), srv.Client(), nil, args...)
				if err == nil {
					t.Fatalf("%s: accepted", args[0])
				}
				msg := err.Error()
				if !strings.Contains(msg, tt.wantField) || !strings.Contains(msg, tt.wantFix) || !strings.Contains(msg, path) {
					t.Errorf("%s: error %q: want the file, %q and %q", args[0], msg, tt.wantField, tt.wantFix)
				}
				if strings.Contains(msg, "\n") {
					t.Errorf("%s: error is not one line: %q", args[0], msg)
				}
			}
			if n := calls.Load(); n != 0 {
				t.Errorf("%d API calls before the config was rejected", n)
			}
		})
	}
	t.Run("valid base", func(t *testing.T) { // the cases above fail for their own reason
		path := filepath.Join(dir, "base.yaml")
		os.WriteFile(path, []byte(base), 0o600)
		if _, _, err := runCLIEnv(context.Background(), nil, nil, "config", "check", path); err != nil {
			t.Errorf("base config: %v", err)
		}
	})
}

func TestRun_usage(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "--config", "../../configs/demo.yaml", "--week", "2026-W99"},
		{"run", "--config", "../../configs/demo.yaml", "--week", "yesterday"},
	} {
		_, _, err := runCLI(t, args...)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: err = %v, want a usage error (exit 2)", args, err)
		}
	}
}
