package synthetic_test

import (
	"cmp"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

var start = dataset.Week{Year: 2026, Num: 10} // spans the US and EU DST changes

// defaultOrg is the 500-person, 4-week org most tests inspect.
var defaultOrg = sync.OnceValues(func() (*synthetic.Org, *dataset.Tables) {
	o, err := synthetic.Generate(synthetic.Config{Start: start, Seed: 1})
	if err != nil {
		panic(err)
	}
	return o, o.Tables(pseudonymizer())
})

func pseudonymizer() *ingest.Pseudonymizer {
	p, err := ingest.NewPseudonymizer([]byte(synthetic.DefaultKey))
	if err != nil {
		panic(err)
	}
	return p
}

func TestGenerate_config(t *testing.T) {
	tests := []struct {
		name string
		cfg  synthetic.Config
	}{
		{"no start", synthetic.Config{}},
		{"one person", synthetic.Config{Start: start, People: 1}},
		{"negative weeks", synthetic.Config{Start: start, Weeks: -1}},
		{"no such week", synthetic.Config{Start: dataset.Week{Year: 2025, Num: 53}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := synthetic.Generate(tt.cfg); err == nil {
				t.Errorf("Generate(%+v) = nil error, want error", tt.cfg)
			}
		})
	}
}

func TestGenerate_deterministic(t *testing.T) {
	cfg := synthetic.Config{People: 120, Weeks: 2, Start: start, Seed: 7}
	a, err := synthetic.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := synthetic.Generate(cfg)
	if !reflect.DeepEqual(a.People(), b.People()) {
		t.Fatal("two runs give different people")
	}
	for _, u := range a.People() {
		if !reflect.DeepEqual(a.Calendar(u.Email), b.Calendar(u.Email)) {
			t.Fatalf("two runs give different calendars for %s", u.Email)
		}
		if !reflect.DeepEqual(a.Mailbox(u.Email), b.Mailbox(u.Email)) {
			t.Fatalf("two runs give different mailboxes for %s", u.Email)
		}
	}
	p := pseudonymizer()
	if !reflect.DeepEqual(a.Tables(p), b.Tables(p)) {
		t.Fatal("two runs give different tables")
	}
	cfg.Seed = 8
	c, _ := synthetic.Generate(cfg)
	if reflect.DeepEqual(a.Tables(p).Messages, c.Tables(p).Messages) {
		t.Error("seeds 7 and 8 give the same messages")
	}
}

func TestGenerate_small(t *testing.T) {
	for _, n := range []int{2, 5, 13, 40} {
		o, err := synthetic.Generate(synthetic.Config{People: n, Weeks: 1, Start: start})
		if err != nil {
			t.Fatalf("Generate(people %d): %v", n, err)
		}
		if got := len(o.People()); got != n {
			t.Errorf("Generate(people %d) has %d people", n, got)
		}
		tb := o.Tables(pseudonymizer())
		if len(tb.Events) == 0 || len(tb.Messages) == 0 {
			t.Errorf("Generate(people %d): %d events, %d messages, want some", n, len(tb.Events), len(tb.Messages))
		}
	}
}

func TestOrg_people(t *testing.T) {
	o, _ := defaultOrg()
	people := o.People()
	if len(people) != synthetic.DefaultPeople {
		t.Fatalf("People() has %d users, want %d", len(people), synthetic.DefaultPeople)
	}
	zones := map[string]int{}
	byEmail := map[string]synthetic.User{}
	reports := map[string]int{}
	var roots, overnight, sunThu, unset int
	for _, u := range people {
		zones[u.TimeZone]++
		if _, dup := byEmail[u.Email]; dup {
			t.Errorf("duplicate email %s", u.Email)
		}
		byEmail[u.Email] = u
		if u.ManagerEmail == "" {
			roots++
		} else {
			reports[u.ManagerEmail]++
		}
		switch {
		case u.WorkStart == "":
			unset++
		case u.WorkEnd <= u.WorkStart:
			overnight++
		}
		if len(u.WorkDays) > 0 && u.WorkDays[len(u.WorkDays)-1] == time.Sunday {
			sunThu++
		}
		if u.Department == "" || u.Function == "" || u.Level == "" || u.Location() == nil {
			t.Errorf("user %s lacks HR fields or zone: %+v", u.Email, u)
		}
	}
	for _, z := range []string{"Asia/Kolkata", "America/New_York", "America/Los_Angeles", "Europe/London",
		"Europe/Berlin", "America/St_Johns", "Australia/Sydney"} {
		if zones[z] == 0 {
			t.Errorf("no one in time zone %s", z)
		}
	}
	if roots != 1 {
		t.Errorf("%d people without a manager, want 1", roots)
	}
	if overnight < 1 || sunThu < 1 || unset < 1 {
		t.Errorf("working hours: %d overnight, %d Sun–Thu, %d unset; want at least one each", overnight, sunThu, unset)
	}
	for m, n := range reports {
		if n > 9 {
			t.Errorf("manager %s has %d reports, want at most 9", m, n)
		}
	}
	// The manager chain is a tree: from everyone, the root is reached.
	for _, u := range people {
		e := u.Email
		for steps := 0; e != ""; steps++ {
			m, ok := byEmail[e]
			if !ok {
				t.Fatalf("manager %s of chain from %s is not a user", e, u.Email)
			}
			if steps > len(people) {
				t.Fatalf("manager chain from %s has a cycle", u.Email)
			}
			e = m.ManagerEmail
		}
	}
}

func TestUser_InWorkingHours(t *testing.T) {
	o, _ := defaultOrg()
	for _, u := range o.People() {
		if u.WorkStart != "22:00" {
			continue
		}
		// Monday 23:00 local is inside a 22:00–06:00 shift, Tuesday 12:00 is not.
		mon := start.Monday()
		in := time.Date(mon.Year(), mon.Month(), mon.Day(), 23, 0, 0, 0, u.Location())
		out := time.Date(mon.Year(), mon.Month(), mon.Day()+1, 12, 0, 0, 0, u.Location())
		if !u.InWorkingHours(in) || u.InWorkingHours(out) {
			t.Errorf("InWorkingHours(%v) = %v, InWorkingHours(%v) = %v for a 22:00–06:00 shift; want true, false",
				in, u.InWorkingHours(in), out, u.InWorkingHours(out))
		}
		return
	}
	t.Fatal("no 22:00 overnight shift found")
}

// benchConfigs are the org sizes of the benchmarks: the default, and one
// large enough to show costs that grow faster than the org.
var benchConfigs = []synthetic.Config{{Start: start, Seed: 1}, {People: 5000, Weeks: 1, Start: start, Seed: 1}}

func benchName(cfg synthetic.Config) string {
	return fmt.Sprintf("%dx%d", cmp.Or(cfg.People, synthetic.DefaultPeople), cmp.Or(cfg.Weeks, synthetic.DefaultWeeks))
}

func BenchmarkGenerate(b *testing.B) {
	for _, cfg := range benchConfigs {
		b.Run(benchName(cfg), func(b *testing.B) {
			for b.Loop() {
				if _, err := synthetic.Generate(cfg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkTables(b *testing.B) {
	for _, cfg := range benchConfigs {
		b.Run(benchName(cfg), func(b *testing.B) {
			o, err := synthetic.Generate(cfg)
			if err != nil {
				b.Fatal(err)
			}
			p := pseudonymizer()
			for b.Loop() {
				o.Tables(p)
			}
		})
	}
}
