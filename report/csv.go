package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// WritePersonWeekCSV writes rows as CSV (RFC 4180, "\n" line ends) with a
// header of Viva Insights column names (dataset.PersonWeekColumns), one line
// per row in the order given, with the values of PersonWeek.Values.
//
// This is the analyst's pseudonymized person-level export (SPEC §6): it
// holds one row per person-week and must not go to managers. Nulls (the
// shares and band of a week with no scheduled hours, unknown HR fields) are
// empty fields. Hours are written in the shortest form that reads back as
// the same float64 (strconv 'f', -1), so the CSV matches the Parquet values
// exactly; MetricDate is an ISO date (YYYY-MM-DD).
func WritePersonWeekCSV(w io.Writer, rows []dataset.PersonWeek) error {
	cw := csv.NewWriter(w)
	header := dataset.PersonWeekColumns()
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write person_week csv: %w", err)
	}
	record := make([]string, len(header))
	for i := range rows {
		for j, v := range rows[i].Values() {
			record[j] = csvField(v)
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write person_week csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write person_week csv: %w", err)
	}
	return nil
}

// csvField formats one value of PersonWeek.Values; nil is an empty field.
func csvField(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return csvField(float64(v))
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.Format(time.DateOnly)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}
