package dataset_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/overload-engine/overload/dataset"
)

// ourOwnColumns are person_week columns with no Viva Insights counterpart;
// every other column must carry a name Viva's person query uses, so the
// vivainsights packages and Power BI templates read our export as is.
var ourOwnColumns = []string{
	"Week", "ManagerId", "Scheduled_working_hours", "Ooo_days", "Emails_received",
	"Chats_received", "Reads_dropped", "Focus_hours", "Fragmented_hours", "Collaboration_share",
	"Creation_share", "Overload_band",
}

func TestPersonWeekColumnsAreVivaNames(t *testing.T) {
	root := filepath.Join("..", "..", "shared", "data")
	files := []string{
		"vivainsights-py/pq_data_2023-05.csv", // Viva person query 2023
		"vivainsights-r/pq_data.csv",          // Viva person query 2024
		"wpa-r/sq_data.csv",                   // Workplace Analytics standard person query
	}
	viva := map[string]bool{}
	for _, f := range files {
		fh, err := os.Open(filepath.Join(root, f))
		if err != nil {
			t.Fatalf("the Viva samples in ../shared/data are needed: %v", err)
		}
		header, err := csv.NewReader(fh).Read()
		fh.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		for _, h := range header {
			viva[h] = true
		}
	}
	for _, c := range dataset.PersonWeekColumns() {
		if slices.Contains(ourOwnColumns, c) {
			if viva[c] {
				t.Errorf("%s is listed as our own column but Viva has it too: remove it from ourOwnColumns", c)
			}
			continue
		}
		if !viva[c] {
			t.Errorf("person_week column %q is not a Viva Insights person-query column", c)
		}
	}
}
