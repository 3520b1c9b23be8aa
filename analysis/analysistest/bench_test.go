package analysistest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/overload-engine/overload/analysis"
	"github.com/overload-engine/overload/dataset"
)

// syntheticOrg returns people internal people with about 25 meetings and 150
// messages each per week over 2026-W10 and W11.
func syntheticOrg(people int) *dataset.Tables {
	r := rand.New(rand.NewPCG(1, 2))
	zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"}
	t := &dataset.Tables{}
	id := func(i int) string { return fmt.Sprintf("p%03d", i) }
	for i := range people {
		p := person(id(i))
		p.TimeZone = zones[i%len(zones)]
		if i > 0 {
			p.ManagerID = id(i / 8)
		}
		t.People = append(t.People, p)
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for e := range people * 25 {
		s := start.Add(time.Duration(r.IntN(15*24*4)) * 15 * time.Minute)
		n := 2 + r.IntN(6)
		ev := meet(fmt.Sprint("e", e), s, s.Add(time.Duration(1+r.IntN(8))*15*time.Minute), id(r.IntN(people)), int32(n), int32(n))
		t.Events = append(t.Events, ev)
		t.Attendance = append(t.Attendance, att(ev.OrganizerID, ev.EventID, org, busy))
		for range n - 1 {
			t.Attendance = append(t.Attendance, att(id(r.IntN(people)), ev.EventID, accepted, busy))
		}
	}
	for m := range people * 150 {
		ch := email
		if r.IntN(2) == 0 {
			ch = chat
		}
		at := start.Add(time.Duration(r.IntN(15*24*3600)) * time.Second)
		t.Messages = append(t.Messages, msg(fmt.Sprint("m", m), ch, id(r.IntN(people)), at, id(r.IntN(people)), id(r.IntN(people))))
	}
	return t
}

func BenchmarkReference(b *testing.B) {
	tables := syntheticOrg(60)
	weeks := []dataset.Week{w10, {Year: 2026, Num: 11}}
	cfg, _ := analysis.Preset("default")
	for b.Loop() {
		if _, err := Reference(tables, weeks, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
