package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
)

// ManifestVersion is the format_version of manifest.json.
const ManifestVersion = 1

// manifest is OUT/<week>/manifest.json: what a run did. It holds no
// wall-clock time and no path outside OUT/<week>, so that rerunning a week
// on the same inputs writes the same bytes; timings go to run-log.json.
// It names people by person_id only.
type manifest struct {
	FormatVersion   int    `json:"format_version"`
	Week            string `json:"week"`
	WeekStart       string `json:"week_start"` // Monday, UTC
	OverloadVersion string `json:"overload_version"`
	GoVersion       string `json:"go_version"`
	Status          string `json:"status"` // ok | partial
	Config          struct {
		File   string         `json:"file"`   // base name
		SHA256 string         `json:"sha256"` // of the file's bytes
		Preset string         `json:"preset"`
		Key    string         `json:"org_key_from"`
		Metric map[string]any `json:"analysis"` // resolved: preset + overrides + defaults + privacy, analysis.yaml's names
	} `json:"config"`
	IngestedWeeks []string         `json:"ingested_weeks"`
	Sources       []sourceManifest `json:"sources"`
	Analysis      analysisManifest `json:"analysis"`
	TrendWeeks    []string         `json:"trend_weeks"`
	Reports       []string         `json:"reports"`  // paths relative to OUT/<week>
	Managers      []string         `json:"managers"` // person_ids with a team report
	Me            []string         `json:"me"`       // person_ids with a personal report
	Warnings      []string         `json:"warnings"`
	SkippedUsers  []skippedUser    `json:"skipped_users"`
}

type sourceManifest struct {
	Name, Type                                   string
	Users                                        int                  `json:"users"`
	People, Events, Attendance, Messages         int                  `json:"-"`
	DuplicateEventCopies, DuplicateMessageCopies int                  `json:"-"`
	Skipped                                      []ingest.SkippedUser `json:"-"`
}

// MarshalJSON gives sourceManifest lowercase keys.
func (s sourceManifest) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{
		"name": s.Name, "type": s.Type, "users": s.Users, "skipped": len(s.Skipped),
		"rows":                       map[string]int{"people": s.People, "events": s.Events, "attendance": s.Attendance, "messages": s.Messages},
		"duplicate_copies_collapsed": map[string]int{"events": s.DuplicateEventCopies, "messages": s.DuplicateMessageCopies},
	})
}

func (s *sourceManifest) fromSummary(sum *ingest.Summary) {
	s.Users, s.Skipped = sum.Users, sum.Skipped
	s.People, s.Events, s.Attendance, s.Messages = sum.People, sum.Events, sum.Attendance, sum.Messages
	s.DuplicateEventCopies, s.DuplicateMessageCopies = sum.DuplicateEventCopies, sum.DuplicateMessageCopies
}

type analysisManifest struct {
	PersonWeeks  int            `json:"person_weeks"`
	Included     int            `json:"attendance_rows_counted"`
	Excluded     map[string]int `json:"attendance_rows_excluded_by_rule"`
	ReadsDropped int            `json:"reads_dropped"`
	Bands        map[string]int `json:"person_weeks_by_band"` // overloaded, above_typical, within, undefined
}

type skippedUser struct {
	Source   string `json:"source"`
	PersonID string `json:"person_id"`
	Reason   string `json:"reason"`
}

// runLog is OUT/<week>/run-log.json: this run's timings and the parts of
// its work that depend on history (users resumed from checkpoints, API
// calls, retries). It differs between reruns by design.
type runLog struct {
	StartedAt  string        `json:"started_at"`
	FinishedAt string        `json:"finished_at"`
	Stages     []stageTiming `json:"stages"`
	Sources    []sourceLog   `json:"sources"`
}

type stageTiming struct {
	Stage   string  `json:"stage"`
	Seconds float64 `json:"seconds"`
}

type sourceLog struct {
	Name    string `json:"name"`
	Read    int    `json:"users_read"`
	Resumed int    `json:"users_resumed_from_checkpoints"`
	Calls   int64  `json:"api_calls"`
	Retries int64  `json:"retries"`
}

func newManifest(cfg *batchConfig, week dataset.Week) manifest {
	m := manifest{FormatVersion: ManifestVersion, Week: week.String(), WeekStart: week.Monday().Format(time.DateOnly),
		OverloadVersion: version, GoVersion: runtime.Version(), Status: "ok"}
	m.Config.File = filepath.Base(cfg.path)
	if b, err := os.ReadFile(cfg.path); err == nil {
		h := sha256.Sum256(b)
		m.Config.SHA256 = hex.EncodeToString(h[:])
	}
	m.Config.Preset = cfg.analysis.Preset
	switch {
	case cfg.OrgKeyFile != "":
		m.Config.Key = "org_key_file"
	case cfg.OrgKeyEnv != "":
		m.Config.Key = "org_key_env"
	default:
		m.Config.Key = "synthetic demo key"
	}
	m.Config.Metric = map[string]any{}
	if b, err := yaml.Marshal(cfg.analysis); err == nil {
		yaml.Unmarshal(b, &m.Config.Metric)
	}
	for _, w := range ingestWeeks(week) {
		m.IngestedWeeks = append(m.IngestedWeeks, w.String())
	}
	return m
}

func (m *manifest) setAnalysis(res *analysis.Result) {
	a := analysisManifest{PersonWeeks: len(res.Rows), Included: res.Included, ReadsDropped: res.ReadsDropped,
		Excluded: map[string]int{}, Bands: map[string]int{}}
	for _, r := range analysis.Rules {
		a.Excluded[r] = res.Excluded[r]
	}
	for _, r := range res.Rows {
		if r.HasShares {
			a.Bands[r.OverloadBand]++
		} else {
			a.Bands["undefined"]++
		}
	}
	m.Analysis = a
}

// finish sorts the lists and sets the status.
func (m *manifest) finish() {
	slices.SortFunc(m.SkippedUsers, func(a, b skippedUser) int {
		return strings.Compare(a.Source+"/"+a.PersonID, b.Source+"/"+b.PersonID)
	})
	if len(m.SkippedUsers) > 0 {
		m.Status = "partial"
	}
	for _, p := range []*[]string{&m.TrendWeeks, &m.Reports, &m.Managers, &m.Me, &m.Warnings} {
		if *p == nil {
			*p = []string{}
		}
	}
	if m.SkippedUsers == nil {
		m.SkippedUsers = []skippedUser{}
	}
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// writeFileAtomic writes path through fn: a temporary file in the same
// directory, synced, then renamed over path, so a reader or a killed run
// never leaves half a report.
func writeFileAtomic(path string, fn func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
