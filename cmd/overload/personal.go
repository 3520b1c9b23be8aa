package main

import (
	"context"
	"errors"

	"github.com/overload-engine/overload/dataset"
)

// personalOptions selects one employee's own exported files: an .ics
// calendar and optionally an mbox of sent mail (issue: personal exports).
type personalOptions struct {
	ICS   string         // path of the .ics calendar export
	MBox  string         // path of an mbox or .eml file; "" = none
	Me    string         // the owner's email address
	TZ    string         // IANA zone of the owner; "" = the calendar's or UTC
	Work  string         // working hours "09:00-17:00"; "" = default
	Weeks []dataset.Week // weeks to import; nil = all in the files
}

// loadPersonal imports the owner's files into dataset tables and returns
// them with the owner's person_id.
func loadPersonal(ctx context.Context, env *Env, o personalOptions) (*dataset.Tables, string, error) {
	return nil, "", errors.New("import of personal .ics/mbox exports is not implemented yet")
}
