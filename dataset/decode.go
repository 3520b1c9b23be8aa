package dataset

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// The decoders below turn an Arrow array of any physical type another tool
// may have written for a logical column into Go values. They call set for
// every non-null row only, so null rows keep the Go zero value. An array of
// a type they do not accept is an error, never a panic.
//
// Strings are copied out of the Arrow buffers, so the values outlive the
// record they were read from.

// decodeStrings accepts string, large_string, string_view, the binary types
// and dictionaries of any of them.
func decodeStrings(a arrow.Array, set func(i int, s string)) error {
	return stringValues(a, true, set)
}

// viewStrings is decodeStrings without the copy: s points into a's buffers
// and is only valid during the call (for lookups).
func viewStrings(a arrow.Array, set func(i int, s string)) error {
	return stringValues(a, false, set)
}

func stringValues(a arrow.Array, clone bool, set func(i int, s string)) error {
	var value func(i int) string
	copyOf := func(s string) string { return s }
	if clone {
		copyOf = strings.Clone
	}
	switch a := a.(type) {
	case *array.Null:
		return nil
	case *array.String:
		value = func(i int) string { return copyOf(a.Value(i)) }
	case *array.LargeString:
		value = func(i int) string { return copyOf(a.Value(i)) }
	case *array.StringView:
		value = func(i int) string { return copyOf(a.Value(i)) }
	case *array.Binary:
		value = func(i int) string { return copyOf(unsafe.String(unsafe.SliceData(a.Value(i)), len(a.Value(i)))) }
	case *array.LargeBinary:
		value = func(i int) string { return copyOf(unsafe.String(unsafe.SliceData(a.Value(i)), len(a.Value(i)))) }
	case *array.BinaryView:
		value = func(i int) string { return copyOf(unsafe.String(unsafe.SliceData(a.Value(i)), len(a.Value(i)))) }
	case *array.Dictionary:
		dict := a.Dictionary()
		vals := make([]string, dict.Len())
		if err := stringValues(dict, clone, func(i int, s string) { vals[i] = s }); err != nil {
			return fmt.Errorf("dictionary values: %w", err)
		}
		value = func(i int) string {
			j := a.GetValueIndex(i)
			if j < 0 || j >= len(vals) {
				return ""
			}
			return vals[j]
		}
	default:
		return fmt.Errorf("unsupported type %s (want string)", a.DataType())
	}
	for i := 0; i < a.Len(); i++ {
		if a.IsValid(i) {
			set(i, value(i))
		}
	}
	return nil
}

// decodeBools accepts bool.
func decodeBools(a arrow.Array, set func(i int, v bool)) error {
	switch a := a.(type) {
	case *array.Null:
		return nil
	case *array.Boolean:
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				set(i, a.Value(i))
			}
		}
		return nil
	default:
		return fmt.Errorf("unsupported type %s (want bool)", a.DataType())
	}
}

// A valuer is an Arrow array of fixed-width numbers.
type valuer[N int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64] interface {
	arrow.Array
	Value(i int) N
}

func eachInt[N int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](a valuer[N], set func(i int, v int64) error) error {
	for i := 0; i < a.Len(); i++ {
		if a.IsValid(i) {
			if err := set(i, int64(a.Value(i))); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeInts accepts every signed and unsigned integer type; set may reject
// values out of its range.
func decodeInts(a arrow.Array, set func(i int, v int64) error) error {
	switch a := a.(type) {
	case *array.Null:
		return nil
	case *array.Int8:
		return eachInt(a, set)
	case *array.Int16:
		return eachInt(a, set)
	case *array.Int32:
		return eachInt(a, set)
	case *array.Int64:
		return eachInt(a, set)
	case *array.Uint8:
		return eachInt(a, set)
	case *array.Uint16:
		return eachInt(a, set)
	case *array.Uint32:
		return eachInt(a, set)
	case *array.Uint64:
		for i := 0; i < a.Len(); i++ {
			if !a.IsValid(i) {
				continue
			}
			v := a.Value(i)
			if v > math.MaxInt64 {
				return fmt.Errorf("value %d at row %d is out of range", v, i)
			}
			if err := set(i, int64(v)); err != nil {
				return err
			}
		}
		return nil
	default:
		return fmt.Errorf("unsupported type %s (want an integer)", a.DataType())
	}
}

func eachFloat[N int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32 | float64](a valuer[N], set func(i int, v float64)) error {
	for i := 0; i < a.Len(); i++ {
		if a.IsValid(i) {
			set(i, float64(a.Value(i)))
		}
	}
	return nil
}

// decodeFloats accepts float64, float32 and the integer types.
func decodeFloats(a arrow.Array, set func(i int, v float64)) error {
	switch a := a.(type) {
	case *array.Null:
		return nil
	case *array.Float64:
		return eachFloat(a, set)
	case *array.Float32:
		return eachFloat(a, set)
	case *array.Int8:
		return eachFloat(a, set)
	case *array.Int16:
		return eachFloat(a, set)
	case *array.Int32:
		return eachFloat(a, set)
	case *array.Int64:
		return eachFloat(a, set)
	case *array.Uint8:
		return eachFloat(a, set)
	case *array.Uint16:
		return eachFloat(a, set)
	case *array.Uint32:
		return eachFloat(a, set)
	case *array.Uint64:
		return eachFloat(a, set)
	default:
		return fmt.Errorf("unsupported type %s (want a number)", a.DataType())
	}
}

// instant converts a timestamp value of the given unit to a UTC time.
func instant(v int64, unit arrow.TimeUnit) time.Time {
	switch unit {
	case arrow.Second:
		return time.Unix(v, 0).UTC()
	case arrow.Millisecond:
		return time.UnixMilli(v).UTC()
	case arrow.Microsecond:
		return time.UnixMicro(v).UTC()
	default:
		return time.Unix(0, v).UTC()
	}
}

// decodeTimes accepts timestamps of any unit, with any time zone or none; a
// timestamp without a time zone is taken as UTC.
func decodeTimes(a arrow.Array, set func(i int, t time.Time)) error {
	switch a := a.(type) {
	case *array.Null:
		return nil
	case *array.Timestamp:
		tt, ok := a.DataType().(*arrow.TimestampType)
		if !ok {
			return fmt.Errorf("unsupported type %s (want a timestamp)", a.DataType())
		}
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				set(i, instant(int64(a.Value(i)), tt.Unit))
			}
		}
		return nil
	default:
		return fmt.Errorf("unsupported type %s (want a timestamp)", a.DataType())
	}
}

// decodeDates accepts date32, date64, timestamps (their UTC date) and
// "2006-01-02" strings; dates read as UTC midnight.
func decodeDates(a arrow.Array, set func(i int, t time.Time)) error {
	day := func(t time.Time) time.Time {
		t = t.UTC()
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	switch a := a.(type) {
	case *array.Date32:
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				set(i, day(a.Value(i).ToTime()))
			}
		}
		return nil
	case *array.Date64:
		for i := 0; i < a.Len(); i++ {
			if a.IsValid(i) {
				set(i, day(a.Value(i).ToTime()))
			}
		}
		return nil
	case *array.Timestamp:
		return decodeTimes(a, func(i int, t time.Time) { set(i, day(t)) })
	default:
		var bad error
		err := decodeStrings(a, func(i int, s string) {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil && bad == nil {
				bad = fmt.Errorf("row %d: %w", i, err)
			}
			set(i, t)
		})
		if err != nil {
			return fmt.Errorf("unsupported type %s (want a date)", a.DataType())
		}
		return bad
	}
}

// decodeStringLists accepts list, large_list and fixed_size_list of any
// type decodeStrings accepts. Empty and null lists are left nil.
func decodeStringLists(a arrow.Array, set func(i int, v []string)) error {
	if _, ok := a.(*array.Null); ok {
		return nil
	}
	l, ok := a.(array.ListLike)
	if !ok {
		return fmt.Errorf("unsupported type %s (want a list of strings)", a.DataType())
	}
	values := l.ListValues()
	vals := make([]string, values.Len())
	if err := decodeStrings(values, func(i int, s string) { vals[i] = s }); err != nil {
		return fmt.Errorf("list values: %w", err)
	}
	for i := 0; i < l.Len(); i++ {
		if !l.IsValid(i) {
			continue
		}
		start, end := l.ValueOffsets(i)
		if start < 0 || end > int64(len(vals)) || start > end {
			return fmt.Errorf("row %d: list offsets [%d, %d) out of range", i, start, end)
		}
		if end > start {
			set(i, vals[start:end:end])
		}
	}
	return nil
}
