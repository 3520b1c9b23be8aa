package dataset_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// Example writes one meeting, its attendance and the people snapshot, then
// reads the dataset back for one week.
func Example() {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "overload-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)

	start := time.Date(2026, 11, 17, 9, 0, 0, 0, time.UTC)
	in := &dataset.Tables{
		People: []dataset.Person{
			{PersonID: "p1", Domain: "example.com", IsInternal: true, TimeZone: "Europe/Paris", Source: "fixture"},
			{PersonID: "p2", Domain: "example.com", IsInternal: true, ManagerID: "p1", Source: "fixture"},
		},
		Events: []dataset.Event{{
			EventID: "e1", Start: start, End: start.Add(30 * time.Minute), OrganizerID: "p1",
			Invitees: 2, AttendeesNotDeclined: 2, Kind: dataset.KindMeeting, Source: "fixture",
		}},
		Attendance: []dataset.Attendance{
			{PersonID: "p1", EventID: "e1", Response: dataset.ResponseOrganizer, ShowAs: dataset.ShowAsBusy},
			{PersonID: "p2", EventID: "e1", Response: dataset.ResponseAccepted, ShowAs: dataset.ShowAsBusy},
		},
	}
	week := dataset.WeekOf(start)
	if err := dataset.WriteTables(ctx, root, in, dataset.WriteOptions{SnapshotWeek: week}); err != nil {
		log.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "*", "week=*", "*"))
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		fmt.Println(filepath.ToSlash(rel))
	}

	out, err := dataset.ReadTables(ctx, root, []dataset.Week{week})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d people, %d events, %d attendance rows, %d messages\n",
		week, len(out.People), len(out.Events), len(out.Attendance), len(out.Messages))
	fmt.Println(out.Events[0].EventID, out.Events[0].Start.Format(time.RFC3339), out.People[1].ManagerID)
	// Output:
	// attendance/week=2026-W47/_SUCCESS
	// attendance/week=2026-W47/part-0000-00000.parquet
	// events/week=2026-W47/_SUCCESS
	// events/week=2026-W47/part-0000-00000.parquet
	// people/week=2026-W47/_SUCCESS
	// people/week=2026-W47/part-0000-00000.parquet
	// 2026-W47: 2 people, 1 events, 2 attendance rows, 0 messages
	// e1 2026-11-17T09:00:00Z p1
}

// ExamplePersonWeek_Values shows a person_week row as CSV-ready values.
func ExamplePersonWeek_Values() {
	row := dataset.PersonWeek{
		PersonID: "p1", MetricDate: time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC), Week: "2026-W47",
		ScheduledWorkingHours: 0, // no working time: shares and band are null
	}
	cols, vals := dataset.PersonWeekColumns(), row.Values()
	for _, i := range []int{0, 1, 2, 9, len(cols) - 3, len(cols) - 1} {
		fmt.Printf("%s=%v\n", cols[i], vals[i])
	}
	// Output:
	// PersonId=p1
	// MetricDate=2026-11-16
	// Week=2026-W47
	// Scheduled_working_hours=0
	// Collaboration_share=<nil>
	// Overload_band=<nil>
}
