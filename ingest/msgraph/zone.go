package msgraph

import (
	"time"

	"github.com/overload-engine/overload/ingest/ics"
)

// ianaZone returns the IANA name of a Graph time zone: mailboxes give
// either an IANA name or a Windows id ("W. Europe Standard Time"), mapped
// with the CLDR table. An unknown zone gives "" (the org default applies).
func ianaZone(name string) string {
	if name == "" {
		return ""
	}
	if _, err := time.LoadLocation(name); err == nil {
		return name
	}
	if iana, ok := ics.WindowsZone(name); ok {
		return iana
	}
	return ""
}
