package analysis_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/analysis"
)

func TestLoadConfigExample(t *testing.T) {
	got, err := analysis.LoadConfig("../configs/analysis.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(preset(t, "default"), got); d != "" {
		t.Errorf("configs/analysis.yaml differs from the default preset (-want +got):\n%s", d)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown field", "focus_minuts: 90\n", "focus_minuts"},
		{"privacy floor", "min_group_size: 2\n", "min_group_size"},
		{"bad zone", "default_time_zone: Mars/Base\n", "default_time_zone"},
		{"bad preset", "preset: fancy\n", "fancy"},
		{"bad clock", "default_work_start: 9am\n", "default_work_start"},
		{"bad day", "default_work_days: Mon,Funday\n", "default_work_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(path, []byte(tt.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := analysis.LoadConfig(path, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadConfig(%q) = %v, want an error naming %q", tt.yaml, err, tt.want)
			}
		})
	}
}

func TestLoadConfigOverridesPreset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, []byte("focus_minutes: 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := analysis.LoadConfig(path, "viva")
	if err != nil {
		t.Fatal(err)
	}
	want := preset(t, "viva")
	want.FocusMinutes = 90
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
