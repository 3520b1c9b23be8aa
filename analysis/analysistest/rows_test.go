package analysistest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/overload-engine/overload/dataset"
)

func TestReference_Rows(t *testing.T) {
	// m2 manages m1, who manages p; x is external. Weeks are given out of
	// order and twice.
	tables := dataset.Tables{People: []dataset.Person{
		{PersonID: "p", IsInternal: true, ManagerID: "m1", Organization: "Sales"},
		{PersonID: "x", IsInternal: false},
		{PersonID: "m2", IsInternal: true},
		{PersonID: "m1", IsInternal: true, ManagerID: "m2"},
		{PersonID: "p", IsInternal: true, Organization: "duplicate: ignored"},
	}}
	w11 := dataset.Week{Year: 2026, Num: 11}
	rows, err := Reference(&tables, []dataset.Week{w11, w10, w11}, preset(t, "default"))
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ Week, PersonID, Supervisor, Org string }
	var got []key
	for _, r := range rows {
		got = append(got, key{r.Week, r.PersonID, r.SupervisorIndicator, r.Organization})
	}
	want := []key{
		{"2026-W10", "m1", "Manager", ""}, {"2026-W10", "m2", "Manager+", ""}, {"2026-W10", "p", "IC", "Sales"},
		{"2026-W11", "m1", "Manager", ""}, {"2026-W11", "m2", "Manager+", ""}, {"2026-W11", "p", "IC", "Sales"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Reference rows (-want +got):\n%s", diff)
	}
}

func TestReference_UnknownZone(t *testing.T) {
	tables := dataset.Tables{People: []dataset.Person{{PersonID: "p7", IsInternal: true, TimeZone: "Mars/Olympus"}}}
	_, err := Reference(&tables, []dataset.Week{w10}, preset(t, "default"))
	if err == nil || !strings.Contains(err.Error(), "p7") {
		t.Errorf("Reference with an unknown zone: error %v, want one naming p7", err)
	}
}
