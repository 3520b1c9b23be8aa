package dataset

import (
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fieldSpec is a column name, its Arrow type and nullability, as in SPEC §2.
type fieldSpec struct {
	Name     string
	Type     string
	Nullable bool
}

func specOf(sc *arrow.Schema) []fieldSpec {
	var out []fieldSpec
	for _, f := range sc.Fields() {
		out = append(out, fieldSpec{f.Name, f.Type.String(), f.Nullable})
	}
	return out
}

func TestSchemas(t *testing.T) {
	const (
		str  = "utf8"
		ts   = "timestamp[us, tz=UTC]"
		b    = "bool"
		i32  = "int32"
		list = "list<item: utf8, nullable>"
	)
	tests := []struct {
		name   string
		schema *arrow.Schema
		want   []fieldSpec
	}{
		{"people", PeopleSchema, []fieldSpec{
			{"person_id", str, false}, {"domain", str, false}, {"is_internal", b, false},
			{"manager_id", str, true}, {"organization", str, true}, {"function_type", str, true},
			{"level_designation", str, true}, {"time_zone", str, true}, {"work_start", str, true},
			{"work_end", str, true}, {"work_days", str, true}, {"source", str, false},
		}},
		{"events", EventsSchema, []fieldSpec{
			{"event_id", str, false}, {"series_id", str, true}, {"start", ts, false}, {"end", ts, false},
			{"is_all_day", b, false}, {"is_cancelled", b, false}, {"is_recurring", b, false},
			{"organizer_id", str, false}, {"invitees", i32, false}, {"attendees_not_declined", i32, false},
			{"kind", str, false}, {"created", ts, true}, {"is_online", b, false},
			{"title_class", str, true}, {"source", str, false},
		}},
		{"attendance", AttendanceSchema, []fieldSpec{
			{"person_id", str, false}, {"event_id", str, false}, {"response", str, false}, {"show_as", str, false},
		}},
		{"messages", MessagesSchema, []fieldSpec{
			{"message_id", str, false}, {"channel", str, false}, {"sender_id", str, false},
			{"sent_at", ts, false}, {"recipient_ids", list, false}, {"n_to", i32, false},
			{"n_cc", i32, false}, {"n_bcc", i32, false}, {"is_reply", b, false}, {"is_auto", b, false},
			{"source", str, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, specOf(tt.schema)); diff != "" {
				t.Errorf("schema mismatch (-want +got):\n%s", diff)
			}
			if Schemas()[tt.name] != tt.schema {
				t.Errorf("Schemas()[%q] is not the %s schema", tt.name, tt.name)
			}
		})
	}
}

func TestSchemas_descriptions(t *testing.T) {
	for name, sc := range Schemas() {
		for _, f := range sc.Fields() {
			if d, ok := f.Metadata.GetValue("description"); !ok || d == "" {
				t.Errorf("%s.%s has no description", name, f.Name)
			}
		}
		if v, ok := sc.Metadata().GetValue(formatVersionKey); !ok || v != FormatVersion {
			t.Errorf("%s schema %s = %q, want %q", name, formatVersionKey, v, FormatVersion)
		}
	}
}

func TestPersonWeekColumns(t *testing.T) {
	want := strings.Fields(`PersonId MetricDate Week Organization FunctionType LevelDesignation
		SupervisorIndicator ManagerId TimeZone Scheduled_working_hours Ooo_days Meeting_hours Meetings
		Conflicting_meeting_hours Email_hours Emails_sent Emails_received Chat_hours Chats_sent
		Chats_received Reads_dropped Collaboration_hours Multitasking_hours
		Working_hours_collaboration_hours After_hours_collaboration_hours Working_hours_meeting_hours
		After_hours_meeting_hours Working_hours_email_hours After_hours_email_hours
		Weekend_collaboration_hours Available_to_focus_hours Uninterrupted_hours Focus_hours
		Fragmented_hours Collaboration_span Active_connected_hours Meeting_hours_with_manager
		Meeting_hours_with_manager_1_1 Small_and_short_meeting_hours Small_and_long_meeting_hours
		Large_and_short_meeting_hours Large_and_long_meeting_hours Recurring_meeting_hours
		Generated_workload_meeting_hours Collaboration_share Creation_share Overload_band`)
	if diff := cmp.Diff(want, PersonWeekColumns()); diff != "" {
		t.Errorf("PersonWeekColumns() mismatch (-want +got):\n%s", diff)
	}
	types := map[string]string{}
	nullable := map[string]bool{}
	for _, f := range PersonWeekSchema.Fields() {
		types[f.Name] = f.Type.String()
		nullable[f.Name] = f.Nullable
	}
	for name, typ := range map[string]string{
		"MetricDate": "date32", "Week": "utf8", "Ooo_days": "int32", "Meetings": "int32",
		"Meeting_hours": "float64", "Collaboration_share": "float64", "Overload_band": "utf8",
	} {
		if types[name] != typ {
			t.Errorf("person_week %s type = %s, want %s", name, types[name], typ)
		}
	}
	for name, n := range nullable {
		// Week is nullable on read: a file written by DuckDB's PARTITION_BY
		// has it only in the directory name.
		want := name == "Collaboration_share" || name == "Creation_share" || name == "Overload_band" || name == "Week"
		if n != want {
			t.Errorf("person_week %s nullable = %v, want %v", name, n, want)
		}
	}
}

func TestPersonWeek_Values(t *testing.T) {
	base := samplePersonWeek()
	noShares := base[1]
	tests := []struct {
		name string
		row  PersonWeek
		want map[string]any
	}{
		{"with shares", base[0], map[string]any{
			"PersonId": "p1", "MetricDate": "2026-11-16", "Week": "2026-W47", "ManagerId": "m1",
			"Meetings": int32(7), "Meeting_hours": 6.5, "Collaboration_share": 0.85,
			"Creation_share": 0.2, "Overload_band": BandOverloaded,
		}},
		{"no shares", noShares, map[string]any{
			"PersonId": "p2", "MetricDate": "2026-11-16", "Scheduled_working_hours": 0.0,
			"Collaboration_share": nil, "Creation_share": nil, "Overload_band": nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals := tt.row.Values()
			cols := PersonWeekColumns()
			if len(vals) != len(cols) {
				t.Fatalf("len(Values()) = %d, want %d", len(vals), len(cols))
			}
			got := map[string]any{}
			for i, c := range cols {
				if _, ok := tt.want[c]; ok {
					got[c] = vals[i]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Values() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRecordRoundTrip converts rows of each table to a record batch and
// back.
func TestRecordRoundTrip(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in := sampleTables()
	opts := cmpopts.EquateEmpty()

	roundTrip(t, "people", in.People, func(r []Person) arrow.RecordBatch { return PeopleRecord(mem, r) }, PeopleFromRecord, opts)
	roundTrip(t, "events", in.Events, func(r []Event) arrow.RecordBatch { return EventsRecord(mem, r) }, EventsFromRecord, opts)
	roundTrip(t, "attendance", in.Attendance, func(r []Attendance) arrow.RecordBatch { return AttendanceRecord(mem, r) }, AttendanceFromRecord, opts)
	roundTrip(t, "messages", in.Messages, func(r []Message) arrow.RecordBatch { return MessagesRecord(mem, r) }, MessagesFromRecord, opts)
	roundTrip(t, "person_week", samplePersonWeek(), func(r []PersonWeek) arrow.RecordBatch { return PersonWeekRecord(mem, r) }, PersonWeekFromRecord, opts)
}

func roundTrip[T any](t *testing.T, name string, rows []T, build func([]T) arrow.RecordBatch, decode func(arrow.RecordBatch) ([]T, error), opts cmp.Option) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		rec := build(rows)
		defer rec.Release()
		if rec.NumRows() != int64(len(rows)) {
			t.Fatalf("record has %d rows, want %d", rec.NumRows(), len(rows))
		}
		got, err := decode(rec)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(rows, got, opts); diff != "" {
			t.Errorf("round trip mismatch (-want +got):\n%s", diff)
		}
	})
}

func TestRecordNulls(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := EventsRecord(mem, []Event{{EventID: "e", Start: time.Unix(0, 0)}})
	defer rec.Release()
	for _, name := range []string{"series_id", "created", "title_class"} {
		col := rec.Column(rec.Schema().FieldIndices(name)[0])
		if col.NullN() != 1 {
			t.Errorf("%s: NullN() = %d, want 1 (empty values are stored as null)", name, col.NullN())
		}
	}
	for _, name := range []string{"source", "kind", "organizer_id"} {
		col := rec.Column(rec.Schema().FieldIndices(name)[0])
		if col.NullN() != 0 {
			t.Errorf("%s: NullN() = %d, want 0 (required column)", name, col.NullN())
		}
	}
}
