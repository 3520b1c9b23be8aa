package dataset

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// A column describes one column of a table of rows of type T: its Arrow
// field, how to append the rows' values to a builder of that field's type,
// and how to decode an Arrow array of any tolerated physical type back into
// the rows. Columns are declared once per table (see schema.go) and drive
// the schema, the record builders and the readers alike.
type column[T any] struct {
	field arrow.Field
	// build appends one value per row to b, which was made from field.Type.
	build func(b array.Builder, rows []T)
	// decode sets the column's value in rows[i] from a.Value(i); len(rows) == a.Len().
	decode func(a arrow.Array, rows []T) error
	// value returns the column's value in r as a plain Go value for text
	// writers: string, bool, int32, float64, []string, or nil for null.
	// Instants are RFC 3339 strings, dates "2006-01-02".
	value func(r *T) any
}

// required reports whether a file must hold the column: nullable columns
// that are missing read as nulls.
func (c column[T]) required() bool { return !c.field.Nullable }

var (
	tsType   = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	listType = arrow.ListOf(arrow.BinaryTypes.String)
)

func newField(name string, typ arrow.DataType, nullable bool, desc string) arrow.Field {
	return arrow.Field{
		Name:     name,
		Type:     typ,
		Nullable: nullable,
		Metadata: arrow.NewMetadata([]string{"description"}, []string{desc}),
	}
}

// stringCol is a string column. When nullable, "" is written as null; null
// always reads back as "".
func stringCol[T any](name string, nullable bool, desc string, f func(*T) *string) column[T] {
	return column[T]{
		field: newField(name, arrow.BinaryTypes.String, nullable, desc),
		build: func(b array.Builder, rows []T) {
			sb := b.(*array.StringBuilder)
			sb.Reserve(len(rows))
			for i := range rows {
				v := *f(&rows[i])
				if nullable && v == "" {
					sb.AppendNull()
				} else {
					sb.Append(v)
				}
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeStrings(a, func(i int, s string) { *f(&rows[i]) = s })
		},
		value: func(r *T) any {
			if v := *f(r); v != "" || !nullable {
				return v
			}
			return nil
		},
	}
}

// boolCol is a non-nullable bool column; null reads as false.
func boolCol[T any](name, desc string, f func(*T) *bool) column[T] {
	return column[T]{
		field: newField(name, arrow.FixedWidthTypes.Boolean, false, desc),
		build: func(b array.Builder, rows []T) {
			bb := b.(*array.BooleanBuilder)
			bb.Reserve(len(rows))
			for i := range rows {
				bb.UnsafeAppend(*f(&rows[i]))
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeBools(a, func(i int, v bool) { *f(&rows[i]) = v })
		},
		value: func(r *T) any { return *f(r) },
	}
}

// int32Col is a non-nullable count column; null reads as 0.
func int32Col[T any](name, desc string, f func(*T) *int32) column[T] {
	return column[T]{
		field: newField(name, arrow.PrimitiveTypes.Int32, false, desc),
		build: func(b array.Builder, rows []T) {
			ib := b.(*array.Int32Builder)
			ib.Reserve(len(rows))
			for i := range rows {
				ib.UnsafeAppend(*f(&rows[i]))
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeInts(a, func(i int, v int64) error {
				if v < -1<<31 || v > 1<<31-1 {
					return fmt.Errorf("value %d at row %d is out of int32 range", v, i)
				}
				*f(&rows[i]) = int32(v)
				return nil
			})
		},
		value: func(r *T) any { return *f(r) },
	}
}

// float64Col is a non-nullable hours column; null reads as 0.
func float64Col[T any](name, desc string, f func(*T) *float64) column[T] {
	return column[T]{
		field: newField(name, arrow.PrimitiveTypes.Float64, false, desc),
		build: func(b array.Builder, rows []T) {
			fb := b.(*array.Float64Builder)
			fb.Reserve(len(rows))
			for i := range rows {
				fb.UnsafeAppend(*f(&rows[i]))
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeFloats(a, func(i int, v float64) { *f(&rows[i]) = v })
		},
		value: func(r *T) any { return *f(r) },
	}
}

// optFloat64Col is a nullable float64 column whose validity is the bool
// *ok(row): false is written as null, and a non-null value sets it to true.
func optFloat64Col[T any](name, desc string, f func(*T) *float64, ok func(*T) *bool) column[T] {
	return column[T]{
		field: newField(name, arrow.PrimitiveTypes.Float64, true, desc),
		build: func(b array.Builder, rows []T) {
			fb := b.(*array.Float64Builder)
			fb.Reserve(len(rows))
			for i := range rows {
				if *ok(&rows[i]) {
					fb.UnsafeAppend(*f(&rows[i]))
				} else {
					fb.AppendNull()
				}
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeFloats(a, func(i int, v float64) {
				*f(&rows[i]) = v
				*ok(&rows[i]) = true
			})
		},
		value: func(r *T) any {
			if *ok(r) {
				return *f(r)
			}
			return nil
		},
	}
}

// timeCol is an instant column, timestamp[us, tz=UTC]. When nullable, the
// zero time is written as null; null always reads back as the zero time.
// Instants are truncated to microseconds.
func timeCol[T any](name string, nullable bool, desc string, f func(*T) *time.Time) column[T] {
	return column[T]{
		field: newField(name, tsType, nullable, desc),
		build: func(b array.Builder, rows []T) {
			tb := b.(*array.TimestampBuilder)
			tb.Reserve(len(rows))
			for i := range rows {
				t := *f(&rows[i])
				if nullable && t.IsZero() {
					tb.AppendNull()
				} else {
					tb.UnsafeAppend(arrow.Timestamp(t.UnixMicro()))
				}
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeTimes(a, func(i int, t time.Time) { *f(&rows[i]) = t })
		},
		value: func(r *T) any {
			if t := *f(r); !t.IsZero() || !nullable {
				return t.UTC().Format(time.RFC3339Nano)
			}
			return nil
		},
	}
}

// dateCol is a calendar-date column, date32; the value is the UTC date of
// the time, and reads back as UTC midnight.
func dateCol[T any](name, desc string, f func(*T) *time.Time) column[T] {
	return column[T]{
		field: newField(name, arrow.FixedWidthTypes.Date32, false, desc),
		build: func(b array.Builder, rows []T) {
			db := b.(*array.Date32Builder)
			db.Reserve(len(rows))
			for i := range rows {
				db.UnsafeAppend(arrow.Date32FromTime(f(&rows[i]).UTC()))
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeDates(a, func(i int, t time.Time) { *f(&rows[i]) = t })
		},
		value: func(r *T) any { return f(r).UTC().Format(time.DateOnly) },
	}
}

// stringListCol is a non-nullable list<string> column; an empty list and a
// null list read back as nil.
func stringListCol[T any](name, desc string, f func(*T) *[]string) column[T] {
	return column[T]{
		field: newField(name, listType, false, desc),
		build: func(b array.Builder, rows []T) {
			lb := b.(*array.ListBuilder)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			lb.Reserve(len(rows))
			for i := range rows {
				lb.Append(true)
				for _, s := range *f(&rows[i]) {
					vb.Append(s)
				}
			}
		},
		decode: func(a arrow.Array, rows []T) error {
			return decodeStringLists(a, func(i int, v []string) { *f(&rows[i]) = v })
		},
		value: func(r *T) any { return *f(r) },
	}
}

// A table is the column list of one table of rows of type T.
type table[T any] struct {
	name   string
	cols   []column[T]
	schema *arrow.Schema
	band   func(*T) uint8 // if not nil, a row group holds rows of one band (bands.go)
}

func newTable[T any](name string, cols ...column[T]) *table[T] {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = c.field
	}
	meta := arrow.NewMetadata([]string{formatVersionKey}, []string{FormatVersion})
	return &table[T]{name: name, cols: cols, schema: arrow.NewSchema(fields, &meta)}
}

// record builds one record batch holding rows. The caller releases it.
func (t *table[T]) record(mem memory.Allocator, rows []T) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, t.schema)
	defer b.Release()
	for i, c := range t.cols {
		c.build(b.Field(i), rows)
	}
	return b.NewRecordBatch()
}

// fromRecord decodes rec into rows. Columns are found by name, in any
// order; unknown columns are ignored, missing nullable ones read as null,
// and a missing required column is an error.
func (t *table[T]) fromRecord(rec arrow.RecordBatch) ([]T, error) {
	rows := make([]T, rec.NumRows())
	if err := t.decodeRecord(rec, rows); err != nil {
		return nil, err
	}
	return rows, nil
}

// decodeRecord is fromRecord into rows (len(rows) == rec.NumRows()).
func (t *table[T]) decodeRecord(rec arrow.RecordBatch, rows []T) error {
	sc := rec.Schema()
	for _, c := range t.cols {
		idx := sc.FieldIndices(c.field.Name)
		if len(idx) == 0 {
			if c.required() {
				return fmt.Errorf("%s: missing required column %q", t.name, c.field.Name)
			}
			continue
		}
		if err := c.decode(rec.Column(idx[0]), rows); err != nil {
			return fmt.Errorf("%s: column %q: %w", t.name, c.field.Name, err)
		}
	}
	return nil
}

// columns returns the column names, in order.
func (t *table[T]) columns() []string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = c.field.Name
	}
	return names
}

// values returns r's column values, in order (see column.value).
func (t *table[T]) values(r *T) []any {
	vals := make([]any, len(t.cols))
	for i, c := range t.cols {
		vals[i] = c.value(r)
	}
	return vals
}
