package dataset

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	gocmp "github.com/google/go-cmp/cmp"
)

// Types another tool may write for our columns.
var (
	dict8    = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	dict32   = &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: arrow.BinaryTypes.String}
	large    = arrow.BinaryTypes.LargeString
	str      = arrow.BinaryTypes.String
	boolean  = arrow.FixedWidthTypes.Boolean
	tsMs     = &arrow.TimestampType{Unit: arrow.Millisecond}
	tsNs     = &arrow.TimestampType{Unit: arrow.Nanosecond}
	tsSParis = &arrow.TimestampType{Unit: arrow.Second, TimeZone: "Europe/Paris"}
	tsNsNY   = &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "America/New_York"}
)

// foreignFile describes a Parquet file written by "another tool": its
// schema and rows, as JSON objects keyed by column name.
type foreignFile struct {
	path        string // relative to the dataset root
	schema      *arrow.Schema
	rows        []map[string]any
	storeSchema bool // store the Arrow schema, as pyarrow does; else write INT96 timestamps, as Spark does
}

func fields(kv ...any) *arrow.Schema {
	var fs []arrow.Field
	for i := 0; i < len(kv); i += 2 {
		fs = append(fs, arrow.Field{Name: kv[i].(string), Type: kv[i+1].(arrow.DataType), Nullable: true})
	}
	return arrow.NewSchema(fs, nil)
}

// unix returns t in unit as a JSON string, which the Arrow JSON reader
// takes without going through float64.
func unix(t time.Time, unit arrow.TimeUnit) any {
	if t.IsZero() {
		return nil
	}
	var v int64
	switch unit {
	case arrow.Second:
		v = t.Unix()
	case arrow.Millisecond:
		v = t.UnixMilli()
	case arrow.Microsecond:
		v = t.UnixMicro()
	default:
		v = t.UnixNano()
	}
	return strconv.FormatInt(v, 10)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func writeForeign(t *testing.T, mem memory.Allocator, root string, ff foreignFile, props ...parquet.WriterProperty) string {
	t.Helper()
	data, err := json.Marshal(ff.rows)
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := array.RecordFromJSON(mem, ff.schema, strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("%s: RecordFromJSON: %v", ff.path, err)
	}
	defer rec.Release()
	path := filepath.Join(root, ff.path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var aopts []pqarrow.WriterOption
	aopts = append(aopts, pqarrow.WithAllocator(mem))
	if ff.storeSchema {
		aopts = append(aopts, pqarrow.WithStoreSchema())
	} else {
		aopts = append(aopts, pqarrow.WithDeprecatedInt96Timestamps(true))
	}
	fw, err := pqarrow.NewFileWriter(ff.schema, f, parquet.NewWriterProperties(append([]parquet.WriterProperty{parquet.WithAllocator(mem)}, props...)...),
		pqarrow.NewArrowWriterProperties(aopts...))
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// foreignDataset writes in as a dataset with other physical types, other
// column orders, extra columns and some nullable columns missing, and
// returns what reading it must give.
func foreignDataset(t *testing.T, mem memory.Allocator, root string, in *Tables) *Tables {
	t.Helper()
	want := sorted(in)

	// people: dictionary and large strings, extra column, work_* and
	// time_zone missing.
	peopleSchema := fields("source", str, "email_hash", str, "person_id", dict8, "domain", large,
		"is_internal", boolean, "manager_id", large, "organization", dict32,
		"function_type", str, "level_designation", str)
	var people []map[string]any
	for i, p := range in.People {
		people = append(people, map[string]any{
			"source": p.Source, "email_hash": "h" + strconv.Itoa(i), "person_id": p.PersonID, "domain": p.Domain,
			"is_internal": p.IsInternal, "manager_id": nullIfEmpty(p.ManagerID), "organization": nullIfEmpty(p.Organization),
			"function_type": nullIfEmpty(p.FunctionType), "level_designation": nullIfEmpty(p.LevelDesignation),
		})
	}
	for i := range want.People {
		p := &want.People[i]
		p.TimeZone, p.WorkStart, p.WorkEnd, p.WorkDays = "", "", "", ""
	}
	writeForeign(t, mem, root, foreignFile{"people/week=2026-W47/data_0.parquet", peopleSchema, people, true})

	// events: ms and ns timestamps without a time zone, created in seconds
	// in Paris, int64 and int16 counts, dictionary strings, series_id
	// missing, an extra column. Every other week as Spark writes it: INT96
	// timestamps and no stored Arrow schema.
	eventsSchema := fields("kind", dict8, "end", tsNs, "start", tsMs, "event_id", large,
		"location_class", str, "is_all_day", boolean, "is_cancelled", boolean, "is_recurring", boolean,
		"organizer_id", dict32, "invitees", arrow.PrimitiveTypes.Int64,
		"attendees_not_declined", arrow.PrimitiveTypes.Int16, "created", tsSParis, "is_online", boolean,
		"title_class", dict8, "source", str)
	byWeek := map[Week][]map[string]any{}
	for _, e := range in.Events {
		w := WeekOf(e.Start)
		byWeek[w] = append(byWeek[w], map[string]any{
			"kind": e.Kind, "end": unix(e.End, arrow.Nanosecond), "start": unix(e.Start, arrow.Millisecond),
			"event_id": e.EventID, "location_class": "room", "is_all_day": e.IsAllDay, "is_cancelled": e.IsCancelled,
			"is_recurring": e.IsRecurring, "organizer_id": e.OrganizerID, "invitees": e.Invitees,
			"attendees_not_declined": e.AttendeesNotDeclined, "created": unix(e.Created, arrow.Second),
			"is_online": e.IsOnline, "title_class": nullIfEmpty(e.TitleClass), "source": e.Source,
		})
	}
	for w, rows := range byWeek {
		writeForeign(t, mem, root, foreignFile{"events/week=" + w.String() + "/x.parquet", eventsSchema, rows, w.Num%2 == 0})
	}
	for i := range want.Events {
		want.Events[i].SeriesID = ""
	}

	// attendance: plain strings in another order, an extra column, one file
	// for all weeks (partitions need not match exactly).
	attSchema := fields("show_as", large, "weight", arrow.PrimitiveTypes.Float64, "response", dict8,
		"event_id", str, "person_id", dict32)
	var att []map[string]any
	for _, a := range in.Attendance {
		att = append(att, map[string]any{"show_as": a.ShowAs, "weight": 1.5, "response": a.Response,
			"event_id": a.EventID, "person_id": a.PersonID})
	}
	writeForeign(t, mem, root, foreignFile{"attendance/week=2026-W47/part-0.parquet", attSchema, att, true})

	// messages: ns timestamps in New York, large_list<large_string>, int64,
	// uint8 and int32 counts.
	msgSchema := fields("message_id", large, "channel", dict8, "sender_id", str, "sent_at", tsNsNY,
		"recipient_ids", arrow.LargeListOf(large), "n_to", arrow.PrimitiveTypes.Int64,
		"n_cc", arrow.PrimitiveTypes.Uint8, "n_bcc", arrow.PrimitiveTypes.Int32, "is_reply", boolean,
		"is_auto", boolean, "source", dict32)
	var msgs []map[string]any
	for _, m := range in.Messages {
		msgs = append(msgs, map[string]any{"message_id": m.MessageID, "channel": m.Channel,
			"sender_id": m.SenderID, "sent_at": unix(m.SentAt, arrow.Nanosecond), "recipient_ids": m.RecipientIDs,
			"n_to": m.NTo, "n_cc": m.NCc, "n_bcc": m.NBcc, "is_reply": m.IsReply, "is_auto": m.IsAuto,
			"source": m.Source})
	}
	writeForeign(t, mem, root, foreignFile{"messages/week=2026-W47/m.parquet", msgSchema, msgs, true})
	return want
}

func TestReadTables_foreign(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	root := t.TempDir()
	want := foreignDataset(t, mem, root, sampleTables())
	got, err := readTables(context.Background(), root, nil, mem)
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("ReadTables mismatch (-want +got):\n%s", diff)
	}
}

func TestReadTables_foreignErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		name string
		file foreignFile
		want string
	}{
		{"missing required column", foreignFile{"events/week=2026-W47/a.parquet",
			fields("event_id", str, "end", tsMs), []map[string]any{{"event_id": "e1", "end": "1"}}, false}, `"start"`},
		{"wrong type", foreignFile{"attendance/week=2026-W47/a.parquet",
			fields("person_id", str, "event_id", str, "response", arrow.PrimitiveTypes.Int32, "show_as", str),
			[]map[string]any{{"person_id": "p", "event_id": "e", "response": 1, "show_as": "busy"}}, true}, `"response"`},
		{"count out of range", foreignFile{"messages/week=2026-W47/a.parquet",
			fields("message_id", str, "channel", str, "sender_id", str, "sent_at", tsMs,
				"recipient_ids", arrow.ListOf(str), "n_to", arrow.PrimitiveTypes.Int64, "n_cc", arrow.PrimitiveTypes.Int64,
				"n_bcc", arrow.PrimitiveTypes.Int64, "is_reply", boolean, "is_auto", boolean, "source", str),
			[]map[string]any{{"message_id": "m", "channel": "email", "sender_id": "p", "sent_at": "1",
				"recipient_ids": []string{"q"}, "n_to": int64(1) << 40, "n_cc": 0, "n_bcc": 0, "is_reply": false,
				"is_auto": false, "source": "x"}}, true}, `"n_to"`},
		{"timestamp as string", foreignFile{"events/week=2026-W47/a.parquet",
			fields("event_id", str, "start", str, "end", str, "is_all_day", boolean, "is_cancelled", boolean,
				"is_recurring", boolean, "organizer_id", str, "invitees", arrow.PrimitiveTypes.Int32,
				"attendees_not_declined", arrow.PrimitiveTypes.Int32, "kind", str, "is_online", boolean, "source", str),
			[]map[string]any{{"event_id": "e", "start": "2026-11-16", "end": "2026-11-16", "is_all_day": false,
				"is_cancelled": false, "is_recurring": false, "organizer_id": "p", "invitees": 1,
				"attendees_not_declined": 1, "kind": "meeting", "is_online": false, "source": "x"}}, true}, `"start"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			path := writeForeign(t, mem, root, tt.file)
			_, err := readTables(context.Background(), root, nil, mem)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ReadTables() error = %v, want one naming %s and %s", err, path, tt.want)
			}
		})
	}
}
