// Package ingesttest holds the checks every connector's tests share: the
// dataset a connector wrote must equal the synthetic organisation's expected
// tables and their person_week, and no canary title, subject or address of
// the organisation may reach a file, a row or a log.
package ingesttest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// SortTables puts t in a canonical order for comparison.
func SortTables(t *dataset.Tables) {
	slices.SortFunc(t.People, func(a, b dataset.Person) int { return cmp.Compare(a.PersonID, b.PersonID) })
	slices.SortFunc(t.Events, func(a, b dataset.Event) int { return cmp.Compare(a.EventID, b.EventID) })
	slices.SortFunc(t.Attendance, func(a, b dataset.Attendance) int {
		return cmp.Or(cmp.Compare(a.EventID, b.EventID), cmp.Compare(a.PersonID, b.PersonID))
	})
	slices.SortFunc(t.Messages, func(a, b dataset.Message) int { return cmp.Compare(a.MessageID, b.MessageID) })
	for i := range t.Messages {
		if len(t.Messages[i].RecipientIDs) == 0 {
			t.Messages[i].RecipientIDs = nil
		}
	}
}

// CheckDataset compares the dataset at root with the expected tables, and
// the person_week analysis of both, exactly.
func CheckDataset(t *testing.T, root string, want *dataset.Tables, weeks []dataset.Week) {
	t.Helper()
	ctx := context.Background()
	got, err := dataset.ReadTables(ctx, root, nil)
	if err != nil {
		t.Fatal(err)
	}
	SortTables(got)
	SortTables(want)
	if d := gocmp.Diff(want.People, got.People); d != "" {
		t.Errorf("people (-want +got):\n%s", d)
	}
	if d := gocmp.Diff(want.Events, got.Events); d != "" {
		t.Errorf("events (-want +got):\n%s", d)
	}
	if d := gocmp.Diff(want.Attendance, got.Attendance); d != "" {
		t.Errorf("attendance (-want +got):\n%s", d)
	}
	if d := gocmp.Diff(want.Messages, got.Messages); d != "" {
		t.Errorf("messages (-want +got):\n%s", d)
	}
	cfg, err := analysis.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	wantRes, err := analysis.Run(ctx, want, weeks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	gotRes, err := analysis.Run(ctx, got, weeks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantRes.Rows) == 0 {
		t.Fatal("analysis gave no rows")
	}
	if d := gocmp.Diff(wantRes.Rows, gotRes.Rows); d != "" {
		t.Errorf("person_week (-want +got):\n%s", d)
	}
}

// CheckNoCanary fails if any file under root, or logs, holds a canary
// string or an address of the organisation.
func CheckNoCanary(t *testing.T, root string, logs string, org *synthetic.Org) {
	t.Helper()
	bad := []string{"CANARY", "@" + org.Domain}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range bad {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Parquet pages are compressed: check the decoded rows too.
	tabs, err := dataset.ReadTables(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := fmt.Sprintf("%+v", *tabs)
	for _, s := range bad {
		if strings.Contains(rows, s) {
			t.Errorf("dataset rows hold %q", s)
		}
		if strings.Contains(logs, s) {
			t.Errorf("logs hold %q", s)
		}
	}
}

// EdgeWeeks returns the generated weeks and their neighbours: the generator's
// events and mail reach a little beyond its weeks.
func EdgeWeeks(org *synthetic.Org) []dataset.Week {
	return []dataset.Week{org.Weeks[0].Add(-1), org.Weeks[0], org.Weeks[1], org.Weeks[1].Add(1)}
}
