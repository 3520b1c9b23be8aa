package dataset_test

// Cross-tool tests with DuckDB (github.com/duckdb/duckdb-go/v2, DuckDB
// 1.5.5), a Parquet writer and reader that shares no code with arrow-go:
//
//   - TestDuckDBWritesOverloadReads: DuckDB builds a SPEC §2 dataset in SQL
//     and writes it with COPY … (FORMAT PARQUET, PARTITION_BY (week)); overload
//     reads it and must get the same tables, and the same analysis, as from
//     the same rows built in Go.
//   - TestDuckDBReadsOverloadWrites: DuckDB reads what WriteTables and
//     WritePersonWeek write, with read_parquet(…, hive_partitioning = true).
//
// Only this test file imports DuckDB: the overload binary does not link it
// (go list -deps ./cmd/overload | grep duckdb is empty).

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/analysis/analysistest"
	"github.com/overload-engine/overload/dataset"
)

var (
	duckW46 = dataset.Week{Year: 2026, Num: 46}
	duckW47 = dataset.Week{Year: 2026, Num: 47}
	duckW48 = dataset.Week{Year: 2026, Num: 48}
)

// openDuckDB opens an in-memory DuckDB database. One connection only, so
// that session settings hold for every statement.
func openDuckDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	// The session time zone must not matter: every instant below is
	// written with an explicit offset or zone. Use one far from UTC so
	// that a hidden dependency on it would show.
	duckExec(t, db, "SET TimeZone = 'Pacific/Chatham'", "SET threads = 2")
	return db
}

func duckExec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("duckdb: %v\n%s", err, s)
		}
	}
}

// duckScan runs a query that returns one row and scans it into dest.
func duckScan(t *testing.T, db *sql.DB, query string, dest ...any) {
	t.Helper()
	if err := db.QueryRow(query).Scan(dest...); err != nil {
		t.Fatalf("duckdb: %v\n%s", err, query)
	}
}

// duckStrings runs a query and returns its rows, each column formatted with
// %v and joined by " | ".
func duckStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatalf("duckdb: %v\n%s", err, query)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := make([]string, len(vals))
		for i, v := range vals {
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339)
			}
			s[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(s, " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// duckSQL builds the interop dataset in DuckDB tables, with DuckDB's own
// types and conventions: TIMESTAMPTZ instants given with UTC offsets or
// converted from local time by DuckDB's ICU time zone database, a naive
// TIMESTAMP meaning UTC, VARCHAR and ENUM strings, INTEGER/SMALLINT/BIGINT/
// UTINYINT counts, VARCHAR[] recipients, columns in another order than
// overload's, extra columns, and a week column that COPY moves to the path.
// The same rows are built in Go by duckGoTables.
var duckSQL = []string{
	// lt(local, zone): the instant of a local wall-clock time in zone.
	`CREATE MACRO lt(s, z) AS (s::TIMESTAMP AT TIME ZONE z)`,
	`CREATE MACRO iso_week(ts) AS (printf('%04d-W%02d', isoyear(ts AT TIME ZONE 'UTC'), week(ts AT TIME ZONE 'UTC')))`,
	`CREATE TYPE response_t AS ENUM ('organizer', 'accepted', 'tentative', 'declined', 'needs_action')`,
	`CREATE TYPE show_as_t AS ENUM ('busy', 'tentative', 'free', 'oof', 'working_elsewhere', 'unknown')`,

	`CREATE TABLE people (
		source VARCHAR, time_zone VARCHAR, person_id VARCHAR, work_days VARCHAR, work_end VARCHAR,
		work_start VARCHAR, is_internal BOOLEAN, domain VARCHAR, level_designation VARCHAR,
		function_type VARCHAR, organization VARCHAR, manager_id VARCHAR, hire_year INTEGER, week VARCHAR)`,
	`INSERT INTO people VALUES
		('duckdb', 'Asia/Kolkata', 'p_kol', 'Mon,Tue,Wed,Thu,Fri', '18:00', '09:30', true, 'example.com', 'L4', 'Software', 'Engineering', 'p_mgr', 2021, '2026-W47'),
		('duckdb', 'America/St_Johns', 'p_stj', 'Mon,Tue,Wed,Thu,Fri', '16:30', '08:00', true, 'example.com', 'L2', 'Support', 'Support', 'p_mgr', 2024, '2026-W47'),
		('duckdb', 'Australia/Lord_Howe', 'p_lhw', 'Mon,Tue,Wed,Thu', NULL, NULL, true, 'example.com', NULL, 'Sales', 'Sales', 'p_mgr', NULL, '2026-W47'),
		('duckdb', 'Europe/London', 'p_mgr', NULL, NULL, NULL, true, 'example.com', 'M2', NULL, 'Engineering', NULL, 2015, '2026-W47'),
		('duckdb', NULL, 'x_ext', NULL, NULL, NULL, false, 'partner.org', NULL, NULL, NULL, NULL, NULL, '2026-W47'),
		-- an older snapshot, which readers must ignore
		('duckdb', 'Asia/Kolkata', 'p_kol', NULL, NULL, NULL, true, 'example.com', 'L3', NULL, 'Old org', NULL, 2021, '2026-W46'),
		('duckdb', 'UTC', 'p_gone', NULL, NULL, NULL, true, 'example.com', NULL, NULL, NULL, NULL, NULL, '2026-W46')`,

	`CREATE TABLE events (
		kind VARCHAR, event_id VARCHAR, "end" TIMESTAMPTZ, start TIMESTAMPTZ, organizer_id VARCHAR,
		invitees INTEGER, attendees_not_declined SMALLINT, is_all_day BOOLEAN, is_cancelled BOOLEAN,
		is_recurring BOOLEAN, series_id VARCHAR, created TIMESTAMP, is_online BOOLEAN,
		title_class VARCHAR, room_count BIGINT, source VARCHAR)`,
	`INSERT INTO events BY NAME SELECT *, 0::BIGINT AS room_count, 'duckdb' AS source FROM (VALUES
		-- weekly sync, London; p_stj declines
		('e01', 'meeting', lt('2026-11-16 10:00', 'Europe/London'), lt('2026-11-16 11:00', 'Europe/London'), 'p_mgr', 4, 3, false, false, true, 's-sync', TIMESTAMP '2026-09-01 12:00', true, 'standup'),
		-- two overlapping meetings for p_kol (and p_mgr), given as +05:30 instants
		('e02', 'meeting', TIMESTAMPTZ '2026-11-17 14:00:00+05:30', TIMESTAMPTZ '2026-11-17 15:00:00+05:30', 'p_kol', 2, 2, false, false, false, NULL, NULL, true, '1:1'),
		('e03', 'meeting', TIMESTAMPTZ '2026-11-17 14:30:00+05:30', TIMESTAMPTZ '2026-11-17 16:00:00+05:30', 'p_mgr', 3, 3, false, false, false, NULL, NULL, false, NULL),
		-- St John's (UTC-03:30): p_kol is tentative
		('e04', 'meeting', TIMESTAMPTZ '2026-11-18 09:00:00-03:30', TIMESTAMPTZ '2026-11-18 09:45:00-03:30', 'p_stj', 2, 2, false, false, false, NULL, NULL, true, NULL),
		-- p_lhw is out of office on Wednesday, Lord Howe time (UTC+11 in November), and has a meeting that day
		('e05', 'out_of_office', lt('2026-11-18 00:00', 'Australia/Lord_Howe'), lt('2026-11-19 00:00', 'Australia/Lord_Howe'), 'p_lhw', 1, 1, true, false, false, NULL, NULL, false, 'ooo'),
		('e06', 'meeting', lt('2026-11-18 10:00', 'Australia/Lord_Howe'), lt('2026-11-18 11:00', 'Australia/Lord_Howe'), 'p_mgr', 2, 2, false, false, false, NULL, NULL, true, NULL),
		-- crosses the UTC week boundary: Sunday night in London, Monday morning on Lord Howe
		('e07', 'meeting', TIMESTAMPTZ '2026-11-22 23:00:00+00', TIMESTAMPTZ '2026-11-23 01:00:00+00', 'p_lhw', 2, 2, false, false, false, NULL, NULL, true, NULL),
		-- in partition W46 (UTC Sunday) but on Monday of W47 on Lord Howe
		('e08', 'meeting', lt('2026-11-16 09:00', 'Australia/Lord_Howe'), lt('2026-11-16 10:00', 'Australia/Lord_Howe'), 'p_lhw', 2, 2, false, false, false, NULL, NULL, true, NULL),
		('e09', 'meeting', TIMESTAMPTZ '2026-11-19 10:00:00Z', TIMESTAMPTZ '2026-11-19 11:00:00Z', 'p_mgr', 2, 2, false, true, false, NULL, NULL, false, NULL),
		('e10', 'focus', lt('2026-11-19 09:00', 'America/St_Johns'), lt('2026-11-19 11:00', 'America/St_Johns'), 'p_stj', 1, 1, false, false, false, NULL, NULL, false, 'focus'),
		('e11', 'meeting', lt('2026-11-20 10:00', 'America/St_Johns'), lt('2026-11-20 10:30', 'America/St_Johns'), 'p_mgr', 2, 2, false, false, false, NULL, NULL, true, NULL),
		('e12', 'meeting', TIMESTAMPTZ '2026-11-19 15:00:00Z', TIMESTAMPTZ '2026-11-19 16:00:00Z', 'p_mgr', 12, 10, false, false, false, NULL, TIMESTAMP '2026-11-02 08:00', true, 'all hands'),
		('e13', 'meeting', lt('2026-11-24 11:00', 'Asia/Kolkata'), lt('2026-11-24 12:00', 'Asia/Kolkata'), 'p_kol', 2, 2, false, false, false, NULL, NULL, true, NULL),
		-- a lone block
		('e14', 'meeting', lt('2026-11-20 12:00', 'Asia/Kolkata'), lt('2026-11-20 13:00', 'Asia/Kolkata'), 'p_kol', 1, 1, false, false, false, NULL, NULL, false, NULL),
		-- all day in Kolkata: starts on Sunday in UTC, so partition W46
		('e15', 'working_location', lt('2026-11-16 00:00', 'Asia/Kolkata'), lt('2026-11-17 00:00', 'Asia/Kolkata'), 'p_kol', 1, 1, true, false, false, NULL, NULL, false, NULL)
	) v(event_id, kind, start, "end", organizer_id, invitees, attendees_not_declined, is_all_day, is_cancelled, is_recurring, series_id, created, is_online, title_class)`,

	`CREATE TABLE attendance (show_as show_as_t, event_id VARCHAR, response response_t, person_id VARCHAR, seat INTEGER)`,
	`INSERT INTO attendance BY NAME SELECT *, 1 AS seat FROM (VALUES
		('p_mgr', 'e01', 'organizer', 'busy'), ('p_kol', 'e01', 'accepted', 'busy'),
		('p_lhw', 'e01', 'accepted', 'busy'), ('p_stj', 'e01', 'declined', 'free'),
		('p_kol', 'e02', 'organizer', 'busy'), ('p_mgr', 'e02', 'accepted', 'busy'),
		('p_mgr', 'e03', 'organizer', 'busy'), ('p_kol', 'e03', 'accepted', 'busy'),
		('p_stj', 'e04', 'organizer', 'busy'), ('p_kol', 'e04', 'tentative', 'tentative'),
		('p_lhw', 'e05', 'organizer', 'oof'),
		('p_mgr', 'e06', 'organizer', 'busy'), ('p_lhw', 'e06', 'accepted', 'busy'),
		('p_lhw', 'e07', 'organizer', 'busy'), ('p_mgr', 'e07', 'accepted', 'busy'),
		('p_lhw', 'e08', 'organizer', 'busy'), ('p_kol', 'e08', 'accepted', 'busy'),
		('p_mgr', 'e09', 'organizer', 'busy'), ('p_stj', 'e09', 'accepted', 'busy'),
		('p_stj', 'e10', 'organizer', 'busy'),
		('p_mgr', 'e11', 'organizer', 'busy'), ('p_stj', 'e11', 'accepted', 'free'),
		('p_mgr', 'e12', 'organizer', 'busy'), ('p_kol', 'e12', 'accepted', 'busy'),
		('p_stj', 'e12', 'accepted', 'busy'), ('p_lhw', 'e12', 'needs_action', 'unknown'),
		('p_kol', 'e13', 'organizer', 'busy'), ('p_stj', 'e13', 'accepted', 'busy'),
		('p_kol', 'e14', 'organizer', 'busy'),
		('p_kol', 'e15', 'organizer', 'working_elsewhere')
	) v(person_id, event_id, response, show_as)`,

	`CREATE TABLE messages (
		sent_at TIMESTAMPTZ, message_id VARCHAR, sender_id VARCHAR, channel VARCHAR, recipient_ids VARCHAR[],
		n_to INTEGER, n_cc INTEGER, n_bcc UTINYINT, is_reply BOOLEAN, is_auto BOOLEAN, size_bucket VARCHAR, source VARCHAR)`,
	`INSERT INTO messages BY NAME SELECT *, 'small' AS size_bucket, 'duckdb' AS source FROM (VALUES
		('<m01@example.com>', 'email', 'p_mgr', lt('2026-11-16 09:00', 'Europe/London'), ['p_kol', 'p_stj', 'p_lhw'], 3, 0, 0, false, false),
		-- a read queue: five mails arrive at once during p_kol's meetings
		('<q1@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-17 14:15:00+05:30', ['p_kol'], 1, 0, 0, false, false),
		('<q2@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-17 14:15:00+05:30', ['p_kol'], 1, 0, 0, false, false),
		('<q3@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-17 14:15:00+05:30', ['p_kol'], 1, 0, 0, false, false),
		('<q4@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-17 14:15:00+05:30', ['p_kol'], 1, 0, 0, false, false),
		('<q5@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-17 14:15:00+05:30', ['p_kol'], 1, 0, 0, false, false),
		('<m07@example.com>', 'chat', 'p_kol', TIMESTAMPTZ '2026-11-17 14:40:00+05:30', ['p_mgr'], 1, 0, 0, false, false),
		('<m08@example.com>', 'email', 'p_kol', TIMESTAMPTZ '2026-11-17 17:05:00+05:30', ['x_ext', 'p_mgr', 'p_mgr'], 1, 2, 0, true, false),
		('<m09@example.com>', 'email', 'p_lhw', lt('2026-11-18 10:00', 'Australia/Lord_Howe'), ['p_mgr'], 1, 0, 0, false, true),
		('<m10@example.com>', 'email', 'p_stj', lt('2026-11-18 11:00', 'America/St_Johns'), ['p_stj'], 1, 0, 0, false, false),
		('<m11@example.com>', 'email', 'p_stj', TIMESTAMPTZ '2026-11-20 09:15:00-03:30', ['p_kol'], 0, 0, 1, false, false),
		('<m12@example.com>', 'chat', 'p_lhw', lt('2026-11-21 11:00', 'Australia/Lord_Howe'), ['p_kol'], 1, 0, 0, false, false),
		('<m13@example.com>', 'email', 'p_mgr', TIMESTAMPTZ '2026-11-22 23:30:00Z', ['p_lhw'], 1, 0, 0, false, false),
		('<m14@partner.org>', 'email', 'x_ext', TIMESTAMPTZ '2026-11-13 10:00:00Z', ['p_kol'], 1, 0, 0, false, false),
		('<m15@example.com>', 'email', 'p_mgr', TIMESTAMPTZ '2026-11-19 12:00:00Z', []::VARCHAR[], 0, 0, 0, false, true),
		('<m16@example.com>', 'chat', 'p_stj', lt('2026-11-24 10:00', 'America/St_Johns'), ['p_kol', 'p_lhw'], 2, 0, 0, false, false)
	) v(message_id, channel, sender_id, sent_at, recipient_ids, n_to, n_cc, n_bcc, is_reply, is_auto)`,
	// Twelve mails 10 minutes before p_stj's Friday ends: the queue spills.
	`INSERT INTO messages BY NAME SELECT
		'<burst' || lpad(i::VARCHAR, 2, '0') || '@example.com>' AS message_id, 'email' AS channel, 'p_mgr' AS sender_id,
		lt('2026-11-20 16:20', 'America/St_Johns') AS sent_at, ['p_stj'] AS recipient_ids, 1 AS n_to, 0 AS n_cc,
		0 AS n_bcc, false AS is_reply, false AS is_auto, 'large' AS size_bucket, 'duckdb' AS source
		FROM range(12) r(i)`,
}

// duckCopySQL writes the four tables under root as Hive partitions,
// <root>/<table>/week=YYYY-Www/data_0.parquet, with the given extra COPY
// options.
func duckCopySQL(root, opts string) []string {
	dir := func(table string) string { return "'" + filepath.Join(root, table) + "'" }
	return []string{
		`COPY people TO ` + dir("people") + ` (FORMAT PARQUET, PARTITION_BY (week)` + opts + `)`,
		`COPY (SELECT *, iso_week(start) AS week FROM events) TO ` + dir("events") +
			` (FORMAT PARQUET, PARTITION_BY (week)` + opts + `)`,
		`COPY (SELECT a.*, iso_week(e.start) AS week FROM attendance a JOIN events e USING (event_id)) TO ` +
			dir("attendance") + ` (FORMAT PARQUET, PARTITION_BY (week)` + opts + `)`,
		`COPY (SELECT *, iso_week(sent_at) AS week FROM messages) TO ` + dir("messages") +
			` (FORMAT PARQUET, PARTITION_BY (week)` + opts + `)`,
	}
}

// local returns the instant of the wall-clock time s ("2006-01-02 15:04")
// in zone, using Go's time zone database.
func local(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// utc returns the instant s ("2006-01-02 15:04Z07:00").
func utc(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04Z07:00", s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

// duckGoTables returns the rows of duckSQL built in Go, as ReadTables must
// return them: the latest people snapshot only, nulls as zero values,
// extra columns dropped, sorted as ReadTables sorts.
func duckGoTables(t *testing.T) *dataset.Tables {
	const src = "duckdb"
	people := []dataset.Person{
		{PersonID: "p_kol", Domain: "example.com", IsInternal: true, ManagerID: "p_mgr", Organization: "Engineering",
			FunctionType: "Software", LevelDesignation: "L4", TimeZone: "Asia/Kolkata", WorkStart: "09:30", WorkEnd: "18:00",
			WorkDays: "Mon,Tue,Wed,Thu,Fri", Source: src},
		{PersonID: "p_stj", Domain: "example.com", IsInternal: true, ManagerID: "p_mgr", Organization: "Support",
			FunctionType: "Support", LevelDesignation: "L2", TimeZone: "America/St_Johns", WorkStart: "08:00", WorkEnd: "16:30",
			WorkDays: "Mon,Tue,Wed,Thu,Fri", Source: src},
		{PersonID: "p_lhw", Domain: "example.com", IsInternal: true, ManagerID: "p_mgr", Organization: "Sales",
			FunctionType: "Sales", TimeZone: "Australia/Lord_Howe", WorkDays: "Mon,Tue,Wed,Thu", Source: src},
		{PersonID: "p_mgr", Domain: "example.com", IsInternal: true, Organization: "Engineering", LevelDesignation: "M2",
			TimeZone: "Europe/London", Source: src},
		{PersonID: "x_ext", Domain: "partner.org", Source: src},
	}
	ev := func(id, kind string, start, end time.Time, org string, inv, notDeclined int32) dataset.Event {
		return dataset.Event{EventID: id, Kind: kind, Start: start, End: end, OrganizerID: org, Invitees: inv,
			AttendeesNotDeclined: notDeclined, Source: src}
	}
	lh := func(s string) time.Time { return local(t, "Australia/Lord_Howe", s) }
	kol := func(s string) time.Time { return local(t, "Asia/Kolkata", s) }
	stj := func(s string) time.Time { return local(t, "America/St_Johns", s) }
	events := []dataset.Event{
		ev("e01", dataset.KindMeeting, local(t, "Europe/London", "2026-11-16 10:00"), local(t, "Europe/London", "2026-11-16 11:00"), "p_mgr", 4, 3),
		ev("e02", dataset.KindMeeting, utc(t, "2026-11-17 14:00+05:30"), utc(t, "2026-11-17 15:00+05:30"), "p_kol", 2, 2),
		ev("e03", dataset.KindMeeting, utc(t, "2026-11-17 14:30+05:30"), utc(t, "2026-11-17 16:00+05:30"), "p_mgr", 3, 3),
		ev("e04", dataset.KindMeeting, utc(t, "2026-11-18 09:00-03:30"), utc(t, "2026-11-18 09:45-03:30"), "p_stj", 2, 2),
		ev("e05", dataset.KindOutOfOffice, lh("2026-11-18 00:00"), lh("2026-11-19 00:00"), "p_lhw", 1, 1),
		ev("e06", dataset.KindMeeting, lh("2026-11-18 10:00"), lh("2026-11-18 11:00"), "p_mgr", 2, 2),
		ev("e07", dataset.KindMeeting, utc(t, "2026-11-22 23:00Z"), utc(t, "2026-11-23 01:00Z"), "p_lhw", 2, 2),
		ev("e08", dataset.KindMeeting, lh("2026-11-16 09:00"), lh("2026-11-16 10:00"), "p_lhw", 2, 2),
		ev("e09", dataset.KindMeeting, utc(t, "2026-11-19 10:00Z"), utc(t, "2026-11-19 11:00Z"), "p_mgr", 2, 2),
		ev("e10", dataset.KindFocus, stj("2026-11-19 09:00"), stj("2026-11-19 11:00"), "p_stj", 1, 1),
		ev("e11", dataset.KindMeeting, stj("2026-11-20 10:00"), stj("2026-11-20 10:30"), "p_mgr", 2, 2),
		ev("e12", dataset.KindMeeting, utc(t, "2026-11-19 15:00Z"), utc(t, "2026-11-19 16:00Z"), "p_mgr", 12, 10),
		ev("e13", dataset.KindMeeting, kol("2026-11-24 11:00"), kol("2026-11-24 12:00"), "p_kol", 2, 2),
		ev("e14", dataset.KindMeeting, kol("2026-11-20 12:00"), kol("2026-11-20 13:00"), "p_kol", 1, 1),
		ev("e15", dataset.KindWorkingLocation, kol("2026-11-16 00:00"), kol("2026-11-17 00:00"), "p_kol", 1, 1),
	}
	set := func(id string, f func(e *dataset.Event)) {
		i := slices.IndexFunc(events, func(e dataset.Event) bool { return e.EventID == id })
		f(&events[i])
	}
	set("e01", func(e *dataset.Event) {
		e.IsRecurring, e.SeriesID, e.Created, e.TitleClass = true, "s-sync", utc(t, "2026-09-01 12:00Z"), "standup"
	})
	set("e02", func(e *dataset.Event) { e.TitleClass = "1:1" })
	set("e05", func(e *dataset.Event) { e.IsAllDay, e.TitleClass = true, "ooo" })
	set("e09", func(e *dataset.Event) { e.IsCancelled = true })
	set("e10", func(e *dataset.Event) { e.TitleClass = "focus" })
	set("e12", func(e *dataset.Event) { e.Created, e.TitleClass = utc(t, "2026-11-02 08:00Z"), "all hands" })
	set("e15", func(e *dataset.Event) { e.IsAllDay = true })
	for _, id := range []string{"e01", "e02", "e04", "e06", "e07", "e08", "e11", "e12", "e13"} {
		set(id, func(e *dataset.Event) { e.IsOnline = true })
	}

	var att []dataset.Attendance
	for _, a := range [][4]string{
		{"p_mgr", "e01", "organizer", "busy"}, {"p_kol", "e01", "accepted", "busy"},
		{"p_lhw", "e01", "accepted", "busy"}, {"p_stj", "e01", "declined", "free"},
		{"p_kol", "e02", "organizer", "busy"}, {"p_mgr", "e02", "accepted", "busy"},
		{"p_mgr", "e03", "organizer", "busy"}, {"p_kol", "e03", "accepted", "busy"},
		{"p_stj", "e04", "organizer", "busy"}, {"p_kol", "e04", "tentative", "tentative"},
		{"p_lhw", "e05", "organizer", "oof"},
		{"p_mgr", "e06", "organizer", "busy"}, {"p_lhw", "e06", "accepted", "busy"},
		{"p_lhw", "e07", "organizer", "busy"}, {"p_mgr", "e07", "accepted", "busy"},
		{"p_lhw", "e08", "organizer", "busy"}, {"p_kol", "e08", "accepted", "busy"},
		{"p_mgr", "e09", "organizer", "busy"}, {"p_stj", "e09", "accepted", "busy"},
		{"p_stj", "e10", "organizer", "busy"},
		{"p_mgr", "e11", "organizer", "busy"}, {"p_stj", "e11", "accepted", "free"},
		{"p_mgr", "e12", "organizer", "busy"}, {"p_kol", "e12", "accepted", "busy"},
		{"p_stj", "e12", "accepted", "busy"}, {"p_lhw", "e12", "needs_action", "unknown"},
		{"p_kol", "e13", "organizer", "busy"}, {"p_stj", "e13", "accepted", "busy"},
		{"p_kol", "e14", "organizer", "busy"},
		{"p_kol", "e15", "organizer", "working_elsewhere"},
	} {
		att = append(att, dataset.Attendance{PersonID: a[0], EventID: a[1], Response: a[2], ShowAs: a[3]})
	}

	msg := func(id, ch, sender string, at time.Time, to []string, nTo, nCc, nBcc int32) dataset.Message {
		return dataset.Message{MessageID: id, Channel: ch, SenderID: sender, SentAt: at, RecipientIDs: to,
			NTo: nTo, NCc: nCc, NBcc: nBcc, Source: src}
	}
	email, chat := dataset.ChannelEmail, dataset.ChannelChat
	messages := []dataset.Message{
		msg("<m01@example.com>", email, "p_mgr", local(t, "Europe/London", "2026-11-16 09:00"), []string{"p_kol", "p_stj", "p_lhw"}, 3, 0, 0),
	}
	for i := 1; i <= 5; i++ {
		messages = append(messages, msg(fmt.Sprintf("<q%d@partner.org>", i), email, "x_ext",
			utc(t, "2026-11-17 14:15+05:30"), []string{"p_kol"}, 1, 0, 0))
	}
	m08 := msg("<m08@example.com>", email, "p_kol", utc(t, "2026-11-17 17:05+05:30"), []string{"x_ext", "p_mgr", "p_mgr"}, 1, 2, 0)
	m08.IsReply = true
	m09 := msg("<m09@example.com>", email, "p_lhw", lh("2026-11-18 10:00"), []string{"p_mgr"}, 1, 0, 0)
	m09.IsAuto = true
	m15 := msg("<m15@example.com>", email, "p_mgr", utc(t, "2026-11-19 12:00Z"), nil, 0, 0, 0) // empty list reads as nil
	m15.IsAuto = true
	messages = append(messages,
		msg("<m07@example.com>", chat, "p_kol", utc(t, "2026-11-17 14:40+05:30"), []string{"p_mgr"}, 1, 0, 0),
		m08, m09,
		msg("<m10@example.com>", email, "p_stj", stj("2026-11-18 11:00"), []string{"p_stj"}, 1, 0, 0),
		msg("<m11@example.com>", email, "p_stj", utc(t, "2026-11-20 09:15-03:30"), []string{"p_kol"}, 0, 0, 1),
		msg("<m12@example.com>", chat, "p_lhw", lh("2026-11-21 11:00"), []string{"p_kol"}, 1, 0, 0),
		msg("<m13@example.com>", email, "p_mgr", utc(t, "2026-11-22 23:30Z"), []string{"p_lhw"}, 1, 0, 0),
		msg("<m14@partner.org>", email, "x_ext", utc(t, "2026-11-13 10:00Z"), []string{"p_kol"}, 1, 0, 0),
		m15,
		msg("<m16@example.com>", chat, "p_stj", stj("2026-11-24 10:00"), []string{"p_kol", "p_lhw"}, 2, 0, 0),
	)
	for i := range 12 {
		messages = append(messages, msg(fmt.Sprintf("<burst%02d@example.com>", i), email, "p_mgr",
			stj("2026-11-20 16:20"), []string{"p_stj"}, 1, 0, 0))
	}

	// Sort as ReadTables does.
	slices.SortFunc(people, func(a, b dataset.Person) int { return strings.Compare(a.PersonID, b.PersonID) })
	slices.SortFunc(events, func(a, b dataset.Event) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	slices.SortFunc(att, func(a, b dataset.Attendance) int {
		if c := strings.Compare(a.PersonID, b.PersonID); c != 0 {
			return c
		}
		return strings.Compare(a.EventID, b.EventID)
	})
	slices.SortFunc(messages, func(a, b dataset.Message) int {
		if c := strings.Compare(a.SenderID, b.SenderID); c != 0 {
			return c
		}
		if c := a.SentAt.Compare(b.SentAt); c != 0 {
			return c
		}
		return strings.Compare(a.MessageID, b.MessageID)
	})
	return &dataset.Tables{People: people, Events: events, Attendance: att, Messages: messages}
}

// TestDuckDBWritesOverloadReads has DuckDB write the interop dataset and
// checks that overload reads exactly the rows built in Go, and that the
// analysis of both, for every preset, is the same and matches the
// brute-force reference.
func TestDuckDBWritesOverloadReads(t *testing.T) {
	ctx := context.Background()
	want := duckGoTables(t)
	weeks := []dataset.Week{duckW46, duckW47, duckW48}

	// The Go rows, analysed once per preset.
	wantRuns := map[string]*analysis.Result{}
	for _, name := range analysis.PresetNames() {
		cfg, err := analysis.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		res, err := analysis.Run(ctx, want, weeks, cfg)
		if err != nil {
			t.Fatal(err)
		}
		wantRuns[name] = res
		ref, err := analysistest.Reference(want, weeks, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(ref, res.Rows, cmpopts.EquateApprox(0, 1e-9)); d != "" {
			t.Errorf("preset %s: Run on the Go rows differs from analysistest.Reference (-reference +Run):\n%s", name, d)
		}
	}
	// The fixture must exercise what it claims to.
	def := wantRuns["default"]
	for _, rule := range []string{analysis.RuleCancelled, analysis.RuleNotMeeting, analysis.RuleAlone,
		analysis.RuleResponse, analysis.RuleShowAsFree, analysis.RuleOOODay} {
		if def.Excluded[rule] == 0 {
			t.Errorf("fixture: no attendance row excluded by rule %s (excluded: %v)", rule, def.Excluded)
		}
	}
	if def.ReadsDropped == 0 {
		t.Error("fixture: no read dropped; the burst should spill past p_stj's week")
	}

	for _, variant := range []struct{ name, opts string }{
		// Snappy, PLAIN and dictionary encodings, no ARROW:schema.
		{"defaults", ""},
		// Parquet 2 encodings (DELTA_BINARY_PACKED for timestamps and
		// ints, DELTA_LENGTH_BYTE_ARRAY for strings) and zstd.
		{"v2-zstd", ", PARQUET_VERSION V2, COMPRESSION zstd"},
		// The partition key also kept in the files, as a week column.
		{"partition-columns", ", WRITE_PARTITION_COLUMNS true"},
	} {
		t.Run(variant.name, func(t *testing.T) {
			db := openDuckDB(t)
			root := t.TempDir()
			duckExec(t, db, duckSQL...)
			duckExec(t, db, duckCopySQL(root, variant.opts)...)

			// The layout DuckDB wrote: week= partitions, data_0.parquet files.
			wantFiles := []string{
				"attendance/week=2026-W46/data_0.parquet", "attendance/week=2026-W47/data_0.parquet",
				"attendance/week=2026-W48/data_0.parquet",
				"events/week=2026-W46/data_0.parquet", "events/week=2026-W47/data_0.parquet",
				"events/week=2026-W48/data_0.parquet",
				"messages/week=2026-W46/data_0.parquet", "messages/week=2026-W47/data_0.parquet",
				"messages/week=2026-W48/data_0.parquet",
				"people/week=2026-W46/data_0.parquet", "people/week=2026-W47/data_0.parquet",
			}
			var files []string
			err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(root, path)
					files = append(files, filepath.ToSlash(rel))
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantFiles, files); d != "" {
				t.Errorf("files DuckDB wrote (-want +got):\n%s", d)
			}

			got, err := dataset.ReadTables(ctx, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("ReadTables of the DuckDB dataset differs from the Go rows (-go +duckdb):\n%s", d)
			}
			// Reading one week reads its neighbours too, which here is everything.
			if got1, err := dataset.ReadTables(ctx, root, []dataset.Week{duckW47}); err != nil {
				t.Fatal(err)
			} else if d := cmp.Diff(want, got1); d != "" {
				t.Errorf("ReadTables(W47) differs (-go +duckdb):\n%s", d)
			}

			for _, name := range analysis.PresetNames() {
				cfg, err := analysis.Preset(name)
				if err != nil {
					t.Fatal(err)
				}
				res, err := analysis.Run(ctx, got, weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(wantRuns[name], res); d != "" {
					t.Errorf("preset %s: analysis of the DuckDB dataset differs (-go +duckdb):\n%s", name, d)
				}
				ref, err := analysistest.Reference(got, weeks, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(ref, res.Rows, cmpopts.EquateApprox(0, 1e-9)); d != "" {
					t.Errorf("preset %s: Run differs from analysistest.Reference on the DuckDB dataset (-reference +Run):\n%s", name, d)
				}
			}
		})
	}
}

// TestDuckDBReadsOverloadWrites writes the interop dataset and its analysis
// with WriteTables and WritePersonWeek, and reads them with DuckDB's
// read_parquet(…, hive_partitioning = true).
func TestDuckDBReadsOverloadWrites(t *testing.T) {
	ctx := context.Background()
	in := duckGoTables(t)
	root := t.TempDir()
	if err := dataset.WriteTables(ctx, root, in, dataset.WriteOptions{SnapshotWeek: duckW47}); err != nil {
		t.Fatal(err)
	}
	cfg, err := analysis.Preset("default")
	if err != nil {
		t.Fatal(err)
	}
	weeks := []dataset.Week{duckW46, duckW47, duckW48}
	res, err := analysis.Run(ctx, in, weeks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := dataset.WritePersonWeek(ctx, root, res.Rows, ""); err != nil {
		t.Fatal(err)
	}

	db := openDuckDB(t)
	glob := func(table string) string {
		return "read_parquet('" + filepath.Join(root, table, "*", "*.parquet") + "', hive_partitioning = true)"
	}
	for _, table := range []string{"people", "events", "attendance", "messages", "person_week"} {
		duckExec(t, db, "CREATE VIEW "+table+" AS SELECT * FROM "+glob(table))
	}

	// Row counts per partition, against the Go rows.
	wantCounts := map[string]int{"people/2026-W47": len(in.People)}
	for _, e := range in.Events {
		wantCounts["events/"+dataset.WeekOf(e.Start).String()]++
	}
	starts := map[string]time.Time{}
	for _, e := range in.Events {
		starts[e.EventID] = e.Start
	}
	for _, a := range in.Attendance {
		wantCounts["attendance/"+dataset.WeekOf(starts[a.EventID]).String()]++
	}
	for _, m := range in.Messages {
		wantCounts["messages/"+dataset.WeekOf(m.SentAt).String()]++
	}
	gotCounts := map[string]int{}
	for _, table := range []string{"people", "events", "attendance", "messages"} {
		rows, err := db.Query("SELECT week, count(*) FROM " + table + " GROUP BY week")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var w string
			var n int
			if err := rows.Scan(&w, &n); err != nil {
				t.Fatal(err)
			}
			gotCounts[table+"/"+w] = n
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if d := cmp.Diff(wantCounts, gotCounts); d != "" {
		t.Errorf("rows per partition read by DuckDB (-want +got):\n%s", d)
	}

	// Types as DuckDB sees them.
	for _, c := range []struct{ table, expr, want string }{
		{"events", `start`, "TIMESTAMP WITH TIME ZONE"},
		{"events", `"end"`, "TIMESTAMP WITH TIME ZONE"},
		{"events", `created`, "TIMESTAMP WITH TIME ZONE"},
		{"events", `invitees`, "INTEGER"},
		{"events", `is_all_day`, "BOOLEAN"},
		{"events", `kind`, "VARCHAR"},
		{"events", `week`, "VARCHAR"}, // the partition key, from the path
		{"messages", `sent_at`, "TIMESTAMP WITH TIME ZONE"},
		{"messages", `recipient_ids`, "VARCHAR[]"},
		{"messages", `n_bcc`, "INTEGER"},
		{"people", `manager_id`, "VARCHAR"},
		{"person_week", `MetricDate`, "DATE"},
		{"person_week", `Meeting_hours`, "DOUBLE"},
		{"person_week", `Meetings`, "INTEGER"},
		{"person_week", `Collaboration_share`, "DOUBLE"},
	} {
		var got string
		duckScan(t, db, "SELECT typeof("+c.expr+") FROM "+c.table+" LIMIT 1", &got)
		if got != c.want {
			t.Errorf("DuckDB type of %s.%s = %s, want %s", c.table, c.expr, got, c.want)
		}
	}

	// A few values. Instants come back as the same instants whatever the
	// session time zone (Pacific/Chatham here).
	for _, id := range []string{"e05", "e07", "e08", "e15"} {
		var start, end time.Time
		var startUS int64
		var week string
		duckScan(t, db, "SELECT start, \"end\", epoch_us(start), week FROM events WHERE event_id = '"+id+"'",
			&start, &end, &startUS, &week)
		i := slices.IndexFunc(in.Events, func(e dataset.Event) bool { return e.EventID == id })
		e := in.Events[i]
		if !start.Equal(e.Start) || !end.Equal(e.End) || startUS != e.Start.UnixMicro() || week != dataset.WeekOf(e.Start).String() {
			t.Errorf("DuckDB read event %s as [%v, %v) (%d µs) in %s, want [%v, %v) in %s",
				id, start, end, startUS, week, e.Start, e.End, dataset.WeekOf(e.Start))
		}
	}
	// Local wall-clock time by DuckDB's time zone database agrees with Go's.
	var lhLocal string
	duckScan(t, db, "SELECT strftime(start AT TIME ZONE 'Australia/Lord_Howe', '%Y-%m-%d %H:%M') FROM events WHERE event_id = 'e06'", &lhLocal)
	if lhLocal != "2026-11-18 10:00" {
		t.Errorf("e06 start on Lord Howe per DuckDB = %s, want 2026-11-18 10:00", lhLocal)
	}
	for _, c := range []struct{ query, want string }{
		{`SELECT array_to_string(recipient_ids, ',') || ' ' || len(recipient_ids) FROM messages WHERE message_id = '<m08@example.com>'`,
			"x_ext,p_mgr,p_mgr 3"},
		{`SELECT len(recipient_ids)::VARCHAR FROM messages WHERE message_id = '<m15@example.com>'`, "0"},
		{`SELECT count(*)::VARCHAR FROM messages WHERE list_contains(recipient_ids, 'p_kol')`, "10"},
		{`SELECT coalesce(manager_id, 'NULL') || ',' || coalesce(organization, 'NULL') || ',' || coalesce(work_start, 'NULL') FROM people WHERE person_id = 'x_ext'`,
			"NULL,NULL,NULL"},
		{`SELECT coalesce(series_id, 'NULL') || ',' || coalesce(created::VARCHAR, 'NULL') FROM events WHERE event_id = 'e02'`, "NULL,NULL"},
		{`SELECT response || '/' || show_as FROM attendance WHERE person_id = 'p_lhw' AND event_id = 'e12'`, "needs_action/unknown"},
	} {
		var got string
		duckScan(t, db, c.query, &got)
		if got != c.want {
			t.Errorf("DuckDB: %s\n= %q, want %q", c.query, got, c.want)
		}
	}

	// person_week: every row; nulls where there are no shares; the metric
	// values DuckDB reads are the ones written.
	var n, noShares int
	var meetingHours, collabHours float64
	duckScan(t, db, `SELECT count(*), count(*) FILTER (WHERE Collaboration_share IS NULL AND Overload_band IS NULL),
		sum(Meeting_hours), sum(Collaboration_hours) FROM person_week`, &n, &noShares, &meetingHours, &collabHours)
	var wantNoShares int
	var wantMeeting, wantCollab float64
	for _, r := range res.Rows {
		if !r.HasShares {
			wantNoShares++
		}
		wantMeeting += r.MeetingHours
		wantCollab += r.CollaborationHours
	}
	if n != len(res.Rows) || noShares != wantNoShares || !approx(meetingHours, wantMeeting) || !approx(collabHours, wantCollab) {
		t.Errorf("DuckDB read person_week as %d rows, %d without shares, Meeting_hours %g, Collaboration_hours %g; want %d, %d, %g, %g",
			n, noShares, meetingHours, collabHours, len(res.Rows), wantNoShares, wantMeeting, wantCollab)
	}
	for _, r := range res.Rows {
		var metricDate time.Time
		var meetings int32
		var reads int32
		var mh float64
		duckScan(t, db, fmt.Sprintf(`SELECT MetricDate, Meetings, Reads_dropped, Meeting_hours FROM person_week
			WHERE PersonId = '%s' AND week = '%s'`, r.PersonID, r.Week), &metricDate, &meetings, &reads, &mh)
		if !metricDate.Equal(r.MetricDate) || meetings != r.Meetings || reads != r.ReadsDropped || mh != r.MeetingHours {
			t.Errorf("DuckDB read person_week %s %s as (%v, %d, %d, %g), want (%v, %d, %d, %g)", r.PersonID, r.Week,
				metricDate, meetings, reads, mh, r.MetricDate, r.Meetings, r.ReadsDropped, r.MeetingHours)
		}
	}

	// The Week column in the files and the week= key in the path name the
	// same column for DuckDB, whose identifiers are case-insensitive. See
	// FORMAT.md "Reading with other tools".
	cols := duckStrings(t, db, `SELECT column_name || ' ' || column_type FROM (DESCRIBE person_week) WHERE lower(column_name) = 'week'`)
	if d := cmp.Diff([]string{"Week VARCHAR"}, cols); d != "" {
		t.Errorf("person_week: DuckDB's week columns (-want +got):\n%s", d)
	}
	var mismatched int
	duckScan(t, db, `SELECT count(*) FILTER (WHERE week <> Week) FROM person_week`, &mismatched)
	if mismatched != 0 {
		t.Errorf("person_week: %d rows where week <> Week", mismatched)
	}
	// Without hive_partitioning the files' own Week column is there as is.
	var weeksSeen string
	duckScan(t, db, `SELECT string_agg(DISTINCT Week, ',' ORDER BY Week) FROM read_parquet('`+
		filepath.Join(root, "person_week", "*", "*.parquet")+`', hive_partitioning = false)`, &weeksSeen)
	if weeksSeen != "2026-W46,2026-W47,2026-W48" {
		t.Errorf("person_week Week values without hive partitioning = %q", weeksSeen)
	}

	// Which of the two DuckDB shows: a file moved to another partition
	// shows the directory's week; only hive_partitioning = false shows the
	// file's own Week.
	moved := t.TempDir()
	if err := os.MkdirAll(filepath.Join(moved, "week=2026-W49"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "person_week", "week=2026-W47", "part-0000-00000.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(moved, "week=2026-W49", "x.parquet"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	movedGlob := "'" + filepath.Join(moved, "*", "*.parquet") + "'"
	var hiveWeek, fileWeek string
	duckScan(t, db, "SELECT any_value(Week) FROM read_parquet("+movedGlob+", hive_partitioning = true)", &hiveWeek)
	duckScan(t, db, "SELECT any_value(Week) FROM read_parquet("+movedGlob+", hive_partitioning = false)", &fileWeek)
	if hiveWeek != "2026-W49" || fileWeek != "2026-W47" {
		t.Errorf("moved person_week file: Week = %q with hive partitioning, %q without; want 2026-W49, 2026-W47", hiveWeek, fileWeek)
	}
	var byPath, byFile int
	duckScan(t, db, "SELECT count(*) FROM read_parquet("+movedGlob+", hive_partitioning = true) WHERE week = '2026-W49'", &byPath)
	duckScan(t, db, "SELECT count(*) FROM read_parquet("+movedGlob+", hive_partitioning = true) WHERE week = '2026-W47'", &byFile)
	t.Logf("moved person_week file, hive_partitioning = true: %d rows WHERE week = '2026-W49' (the path), %d WHERE week = '2026-W47' (the file)", byPath, byFile)

	// A glob that matches every file also matches the _SUCCESS markers,
	// which DuckDB refuses: the glob must end in *.parquet.
	if _, err := db.Exec("SELECT count(*) FROM read_parquet('" + filepath.Join(root, "events", "*", "*") + "')"); err == nil ||
		!strings.Contains(err.Error(), "_SUCCESS") {
		t.Logf("read_parquet('events/*/*'): err = %v; FORMAT.md says DuckDB rejects the _SUCCESS markers", err)
	}

	// person_week written back by DuckDB. PARTITION_BY (week) makes Week=
	// directories and drops the Week column from the files; overload matches
	// the key without regard to case and takes the week from the directory.
	pwSrc := "(SELECT * FROM read_parquet('" + filepath.Join(root, "person_week", "*", "*.parquet") + "', hive_partitioning = false))"
	byKey := t.TempDir()
	duckExec(t, db, "COPY "+pwSrc+" TO '"+filepath.Join(byKey, "person_week")+"' (FORMAT PARQUET, PARTITION_BY (week))")
	if _, err := os.Stat(filepath.Join(byKey, "person_week", "Week=2026-W47")); err != nil {
		t.Errorf("DuckDB PARTITION_BY (week) on person_week: %v (FORMAT.md says it writes Week= directories)", err)
	}
	if rows, err := dataset.ReadPersonWeek(ctx, byKey, nil); err != nil {
		t.Errorf("ReadPersonWeek of Week= partitions: %v", err)
	} else if d := cmp.Diff(res.Rows, rows); d != "" {
		t.Errorf("person_week → DuckDB PARTITION_BY → overload (-in +out):\n%s", d)
	}
	perWeek := t.TempDir()
	for _, w := range weeks {
		dir := filepath.Join(perWeek, "person_week", "week="+w.String())
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		duckExec(t, db, "COPY (SELECT * FROM "+pwSrc+" WHERE Week = '"+w.String()+"') TO '"+
			filepath.Join(dir, "data_0.parquet")+"' (FORMAT PARQUET)")
	}
	pw, err := dataset.ReadPersonWeek(ctx, perWeek, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(res.Rows, pw); d != "" {
		t.Errorf("person_week → DuckDB → overload round trip (-in +out):\n%s", d)
	}

	// The round trip: DuckDB copies overload's dataset into a new one, in
	// its own layout, and overload reads that back unchanged.
	root2 := t.TempDir()
	for _, table := range []string{"people", "events", "attendance", "messages"} {
		duckExec(t, db, "COPY "+table+" TO '"+filepath.Join(root2, table)+"' (FORMAT PARQUET, PARTITION_BY (week))")
	}
	got, err := dataset.ReadTables(ctx, root2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, got); d != "" {
		t.Errorf("overload → DuckDB → overload round trip (-in +out):\n%s", d)
	}
}

func approx(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }
