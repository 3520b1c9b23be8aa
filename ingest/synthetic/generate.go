package synthetic

import (
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// gen holds the state of one Generate call.
type gen struct {
	cfg      Config
	weeks    []dataset.Week
	people   []person
	taken    map[string]bool
	index    map[string]int // email → person index, once people are final
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

	// The header and recipient lists of the messages, millions of short
	// slices, come from shared blocks.
	hdrBlock  block[string]
	rcptBlock block[int]
}

// block hands out short slices carved from large shared arrays, so that
// millions of small lists cost the garbage collector a few hundred objects
// to mark rather than millions. The zero value is ready to use.
type block[T any] struct{ free []T }

// take returns an empty slice with room for n elements, which the caller
// appends to; appending more than n reallocates rather than overwrites.
func (b *block[T]) take(n int) []T {
	if n > len(b.free) {
		b.free = make([]T, max(n, 1<<14))
	}
	s := b.free[:0:n]
	b.free = b.free[n:]
	return s
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
		cfg:    cfg,
		people: make([]person, 0, cfg.People),
		taken:  make(map[string]bool, cfg.People),
	}
	for i := range cfg.Weeks {
		g.weeks = append(g.weeks, cfg.Start.Add(i))
	}
	if err := g.genPeople(); err != nil {
		return nil, err
	}
	g.genContacts()
	g.ooo = make([][]span, len(g.people))
	// About 5.7 instances and 65 messages per person-week: room for all of
	// them avoids copying these large values as the slices grow.
	g.inst = make([]instance, 0, cfg.People*cfg.Weeks*6+64)
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
		users:    make([]User, 0, len(g.people)),
		byEmail:  make(map[string]int, len(g.people)),
		contacts: g.contacts,
		rooms:    g.rooms,
		inst:     g.inst,
		cal:      make([][]calRef, len(g.people)),
		msgs:     g.msgs,
		box:      make([][]int32, len(g.people)),
	}
	for i, p := range g.people {
		o.users = append(o.users, p.User)
		o.byEmail[p.Email] = i
	}
	// Instances are large values: sort compact keys, then move each once.
	permute(o.inst, timeOrder(len(o.inst), func(i int) (time.Time, string) { return o.inst[i].start, o.inst[i].id }))
	o.indexCalendars()
	// Messages stay in the order they were made, which is the order their
	// header lists and ids lie in memory: walking them in that order is
	// much faster than in date order.
	o.byDate = timeOrder(len(o.msgs), func(i int) (time.Time, string) { return o.msgs[i].date, o.msgs[i].id })
	o.indexMailboxes()
	return o
}

// indexCalendars fills o.cal from o.inst, which is in start order. It
// counts first so that each list is allocated once at its final size.
func (o *Org) indexCalendars() {
	// each calls f for every user whose calendar shows instance ii, with
	// the index of their attendee entry (-1 for the organizer).
	each := func(ii int, f func(ui, ai int)) {
		in := &o.inst[ii]
		if ui, ok := o.byEmail[in.organizer]; ok {
			f(ui, -1)
		}
		for ai, a := range in.attendees {
			if ui, ok := o.byEmail[a.Email]; ok && !a.Resource && a.Email != in.organizer {
				f(ui, ai)
			}
		}
	}
	count := make([]int, len(o.users))
	for ii := range o.inst {
		each(ii, func(ui, _ int) { count[ui]++ })
	}
	for ui, n := range count {
		o.cal[ui] = make([]calRef, 0, n)
	}
	for ii := range o.inst {
		each(ii, func(ui, ai int) {
			r := calRef{inst: int32(ii), att: int32(ai)}
			if c := o.cal[ui]; len(c) > 0 && c[len(c)-1].inst == r.inst {
				r.att = c[len(c)-1].att // listed twice: the first entry is theirs
			}
			o.cal[ui] = append(o.cal[ui], r)
		})
	}
}

// indexMailboxes fills o.box from o.msgs in the order of o.byDate. It
// counts first so that each list is allocated once at its final size.
func (o *Org) indexMailboxes() {
	// each calls f for every user whose mailbox holds message mi.
	each := func(mi int32, f func(ui int)) {
		m := &o.msgs[mi]
		if m.from >= 0 {
			f(m.from)
		}
		for _, r := range m.rcpt {
			if r != m.from {
				f(r)
			}
		}
	}
	count := make([]int, len(o.users))
	for mi := range o.msgs {
		each(int32(mi), func(ui int) { count[ui]++ })
	}
	for ui, n := range count {
		o.box[ui] = make([]int32, 0, n)
	}
	for _, mi := range o.byDate {
		each(mi, func(ui int) { o.box[ui] = append(o.box[ui], mi) })
	}
}

// timeOrder returns the indices 0..n-1 ordered by the instant and then the
// id that key gives, and then by index (a stable sort).
func timeOrder(n int, key func(i int) (time.Time, string)) []int32 {
	type sortKey struct {
		sec  int64 // the instant, as time.Time.Compare orders it
		nsec int32
		i    int32
		pre  uint64 // the first bytes of id: orders most ties without reading id
		id   string
	}
	keys := make([]sortKey, n)
	for i := range keys {
		t, id := key(i)
		keys[i] = sortKey{sec: t.Unix(), nsec: int32(t.Nanosecond()), i: int32(i), pre: prefix(id), id: id}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		// Not cmp.Or, which would compare (and so read) the ids every time.
		if c := cmp.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.nsec, b.nsec); c != 0 {
			return c
		}
		if c := cmp.Compare(a.pre, b.pre); c != 0 {
			return c
		}
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	order := make([]int32, n)
	for i, k := range keys {
		order[i] = k.i
	}
	return order
}

// prefix returns the first 8 bytes of s as a big-endian number, padded with
// zeros: prefix(a) < prefix(b) implies a < b, and a < b implies
// prefix(a) <= prefix(b).
func prefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// permute reorders s in place so that it holds the old s[order[0]],
// s[order[1]], … It moves every element once, following the cycles of
// the permutation, and overwrites order.
func permute[T any](s []T, order []int32) {
	for i := range s {
		if order[i] < 0 {
			continue // already placed
		}
		first := s[i]
		j := i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				s[j] = first
				break
			}
			s[j] = s[k]
			j = k
		}
	}
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
