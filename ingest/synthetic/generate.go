package synthetic

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// gen holds the state of one Generate call.
type gen struct {
	cfg      Config
	weeks    []dataset.Week
	people   []person
	taken    map[string]bool
	contacts []string
	rooms    []Attendee
	inst     []instance
	msgs     []message
	ooo      [][]span        // per person: out-of-office intervals
	days     [][][]time.Time // per person and week: cached workDays
	nEvent   int
	nMsg     int
	canary   int
	loadCum  []float64 // cumulative meeting load, for weighted picks
}

// span is a half-open interval of instants.
type span struct{ start, end time.Time }

// Generate builds the organisation described by cfg. The same cfg always
// gives the same Org.
func Generate(cfg Config) (*Org, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &gen{
		cfg:   cfg,
		taken: map[string]bool{},
	}
	for i := range cfg.Weeks {
		g.weeks = append(g.weeks, cfg.Start.Add(i))
	}
	if err := g.genPeople(); err != nil {
		return nil, err
	}
	g.genContacts()
	g.ooo = make([][]span, len(g.people))
	g.msgs = make([]message, 0, cfg.People*cfg.Weeks*80)
	g.genCalendar()
	g.genMail()
	return g.org(), nil
}

// rng returns the random stream named stream. Each part of the generator
// has its own stream so that changing one part does not reshuffle the others.
func (g *gen) rng(stream string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stream))
	return rand.New(rand.NewPCG(uint64(g.cfg.Seed), h.Sum64()))
}

// genContacts creates the external contacts and the rooms.
func (g *gen) genContacts() {
	rng := g.rng("contacts")
	domains := []string{"acme-partners.com", "globex.io", "initech.co.uk", "umbrella-consulting.de", "gmail.com", "clientco.in"}
	n := max(6, g.cfg.People/25)
	seen := map[string]bool{}
	for i := 0; len(g.contacts) < n; i++ {
		first := firstNames[rng.IntN(len(firstNames))]
		last := asciiFold(lastNames[rng.IntN(len(lastNames))])
		a := lower(first[:1]+last) + "@" + domains[i%len(domains)]
		if !seen[a] {
			seen[a] = true
			g.contacts = append(g.contacts, a)
		}
	}
	cities := []string{"nyc", "sfo", "lon", "ber", "blr"}
	for i := range max(3, g.cfg.People/50) {
		g.rooms = append(g.rooms, Attendee{
			Email:          "room-" + cities[i%len(cities)] + "-" + itoa(i+1) + "@" + g.cfg.Domain,
			Name:           "Room " + itoa(i+1),
			ResponseStatus: "accepted",
			Resource:       true,
		})
	}
}

// org freezes the generator state into an Org with per-user views.
func (g *gen) org() *Org {
	o := &Org{
		Domain:   g.cfg.Domain,
		Weeks:    g.weeks,
		byEmail:  make(map[string]int, len(g.people)),
		contacts: g.contacts,
		rooms:    g.rooms,
		inst:     g.inst,
		cal:      make([][]int32, len(g.people)),
		box:      make([][]int32, len(g.people)),
	}
	for i, p := range g.people {
		o.users = append(o.users, p.User)
		o.byEmail[p.Email] = i
	}
	slices.SortStableFunc(o.inst, func(a, b instance) int {
		return cmp.Or(a.start.Compare(b.start), cmp.Compare(a.id, b.id))
	})
	for ii := range o.inst {
		in := &o.inst[ii]
		if ui, ok := o.byEmail[in.organizer]; ok {
			o.cal[ui] = append(o.cal[ui], int32(ii))
		}
		for _, a := range in.attendees {
			if ui, ok := o.byEmail[a.Email]; ok && !a.Resource && a.Email != in.organizer {
				o.cal[ui] = append(o.cal[ui], int32(ii))
			}
		}
	}
	// Sort indices, not the large message values.
	idx := make([]int32, len(g.msgs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		x, y := &g.msgs[a], &g.msgs[b]
		return cmp.Or(x.date.Compare(y.date), cmp.Compare(x.id, y.id))
	})
	o.msgs = make([]message, len(g.msgs))
	for i, j := range idx {
		o.msgs[i] = g.msgs[j]
	}
	for mi := range o.msgs {
		m := &o.msgs[mi]
		if m.from >= 0 {
			o.box[m.from] = append(o.box[m.from], int32(mi))
		}
		for _, r := range m.rcpt {
			if r != m.from {
				o.box[r] = append(o.box[r], int32(mi))
			}
		}
	}
	return o
}

// isOOO reports whether person pi is out of office at t.
func (g *gen) isOOO(pi int, t time.Time) bool {
	for _, s := range g.ooo[pi] {
		if !t.Before(s.start) && t.Before(s.end) {
			return true
		}
	}
	return false
}

// localDays returns the seven local dates (at noon) of week wi in pi's zone.
func (g *gen) localDays(pi, wi int) []time.Time {
	mon := g.weeks[wi].Monday()
	loc := g.people[pi].loc
	out := make([]time.Time, 7)
	for i := range out {
		out[i] = time.Date(mon.Year(), mon.Month(), mon.Day()+i, 12, 0, 0, 0, loc)
	}
	return out
}

// workDays returns the local working dates (at noon) of pi in week wi.
// The result is cached and must not be modified.
func (g *gen) workDays(pi, wi int) []time.Time {
	if g.days == nil {
		g.days = make([][][]time.Time, len(g.people))
	}
	if g.days[pi] == nil {
		g.days[pi] = make([][]time.Time, len(g.weeks))
	}
	if d := g.days[pi][wi]; d != nil {
		return d
	}
	days := g.people[pi].hours.days
	out := []time.Time{}
	for _, d := range g.localDays(pi, wi) {
		if containsDay(days, d.Weekday()) {
			out = append(out, d)
		}
	}
	g.days[pi][wi] = out
	return out
}

// window returns pi's working interval starting on local date day.
func (g *gen) window(pi int, day time.Time) (time.Time, time.Time, bool) {
	return workWindow(&g.people[pi].User, day.Year(), day.Month(), day.Day())
}

// slot returns a start on the quarter-hour grid such that [start,
// start+dur) lies in pi's working interval of day (or starts with it when
// dur is longer), and false if day is not a working day.
func (g *gen) slot(rng *rand.Rand, pi int, day time.Time, dur time.Duration) (time.Time, bool) {
	ws, we, ok := g.window(pi, day)
	if !ok {
		return time.Time{}, false
	}
	n := int((we.Sub(ws)-dur)/(15*time.Minute)) + 1
	if n < 1 {
		n = 1
	}
	return ws.Add(time.Duration(rng.IntN(n)) * 15 * time.Minute), true
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
