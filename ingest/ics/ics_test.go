package ics_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest/ics"
)

const sharedData = "../../../shared/data"

func dataDir(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join(sharedData, sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not found at %s: %v", dir, err)
	}
	return dir
}

// TestImport_AllSharedFiles imports every .ics under ../shared/data/ics-*:
// none may panic or hang; broken ones may return an error, which must name
// the file.
func TestImport_AllSharedFiles(t *testing.T) {
	dataDir(t, "")
	dirs, _ := filepath.Glob(filepath.Join(sharedData, "ics-*"))
	var files, ok, failed, instances int
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, d := range dirs {
		filepath.WalkDir(d, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".ics") {
				return err
			}
			files++
			for _, opts := range []ics.Options{{}, {Location: berlin, From: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}} {
				cal, err := ics.ReadFile(path, opts)
				if err != nil {
					if !strings.Contains(err.Error(), path) {
						t.Errorf("ReadFile(%s) error %q does not name the file", path, err)
					}
					if strings.Contains(err.Error(), "internal error") {
						t.Errorf("ReadFile(%s): %v", path, err)
					}
					failed++
					continue
				}
				ok++
				instances += len(cal.Instances)
			}
			return nil
		})
	}
	if files < 250 {
		t.Errorf("found %d .ics files, want the ~297 in shared data", files)
	}
	t.Logf("%d files: %d imports ok, %d errors, %d instances", files, ok, failed, instances)
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
