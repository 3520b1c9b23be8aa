package msgraph

import "testing"

func TestIANAZone(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"Europe/Berlin":           "Europe/Berlin",
		"UTC":                     "UTC",
		"W. Europe Standard Time": "Europe/Berlin",
		"Eastern Standard Time":   "America/New_York",
		"India Standard Time":     "Asia/Calcutta",
		"tzone://Microsoft/Utc":   "",
		"Mars/Olympus_Mons":       "",
	} {
		if got := ianaZone(in); got != want {
			t.Errorf("ianaZone(%q) = %q, want %q", in, got, want)
		}
	}
}
