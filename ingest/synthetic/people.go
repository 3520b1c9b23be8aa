package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the demo must run where no zoneinfo is installed
)

// department describes one organisation unit of the generated company.
type department struct {
	name      string
	weight    int      // share of headcount
	functions []string // function types of its people
	ic        string   // job title of its individual contributors
}

var departments = []department{
	{"Engineering", 34, []string{"Software Engineering", "Quality Assurance", "Site Reliability"}, "Software Engineer"},
	{"Sales", 15, []string{"Account Management", "Sales Engineering"}, "Account Executive"},
	{"Support", 12, []string{"Customer Support"}, "Support Specialist"},
	{"Operations", 10, []string{"Operations", "IT"}, "Operations Analyst"},
	{"Marketing", 9, []string{"Marketing", "Communications"}, "Marketing Specialist"},
	{"Product", 7, []string{"Product Management", "Design"}, "Product Manager"},
	{"Finance", 7, []string{"Finance"}, "Financial Analyst"},
	{"HR", 6, []string{"Human Resources", "Recruiting"}, "HR Partner"},
}

// zones are the time zones of the generated people, with weights. The team
// of a manager mostly shares one zone.
var zones = []struct {
	name   string
	weight int
}{
	{"America/New_York", 28},
	{"America/Los_Angeles", 16},
	{"Europe/London", 14},
	{"Europe/Berlin", 15},
	{"Asia/Kolkata", 17},
	{"America/St_Johns", 4},
	{"Australia/Sydney", 6},
}

// Level designations (people.level_designation).
const (
	levelExecutive = "Executive"
	levelVP        = "VP"
	levelDirector  = "Director"
	levelManager   = "Manager"
	levelSenior    = "Senior"
	levelIC        = "Individual Contributor"
)

var firstNames = strings.Fields(`Ann Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Karl Laura Mallory Niaj
Olivia Peggy Rupert Sybil Trent Uma Victor Wendy Xavier Yara Zoe Aarav Priya Rohan Ananya Vikram Meera
Liam Emma Noah Ava Lucas Mia Ethan Sofia Mateo Isla Oliver Amelia Jonas Lena Felix Hannah Paul Marie
Kenji Aiko Chen Wei Fatima Omar Leila Tariq Sipho Thandi Diego Lucia Pierre Chloe Sean Niamh`)

var lastNames = strings.Fields(`Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker
Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris Lewis Martin Jackson Clarke Patel
Sharma Gupta Iyer Reddy Nair Singh Kumar Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker
Garcia Martinez Lopez Rossi Dubois Tanaka Suzuki Kim Nguyen Okafor Mensah Cohen Murphy Kelly OBrien
Novak Kowalski Silva Santos`)

// person is a user under construction, with generator-only traits.
type person struct {
	User
	manager     int // index of the manager; -1 for none
	reports     []int
	dept        int
	activity    float64 // volume multiplier for mail and meetings
	weekendMail bool
	nameAddr    string // "Name <addr>", shared by every header that names them so
}

// genPeople builds the directory: a CEO, one VP per department, directors
// above large departments, managers of teams of 4–9, and individual
// contributors; then time zones and working hours.
func (g *gen) genPeople() error {
	rng := g.rng("people")
	n := g.cfg.People
	g.add(rng, -1, -1, levelExecutive, "Chief Executive Officer", "Executive", "America/New_York")
	rest := n - 1
	nd := min(max(rest/20, 1), len(departments))
	if rest < nd {
		nd = rest
	}
	total := 0
	for _, d := range departments[:nd] {
		total += d.weight
	}
	left := rest
	for di := 0; di < nd; di++ {
		h := rest * departments[di].weight / total
		if di == nd-1 || h > left {
			h = left
		}
		h = max(h, 1)
		left -= h
		g.genDepartment(rng, di, h)
	}
	if len(g.people) != n {
		return fmt.Errorf("generate people: built %d, want %d", len(g.people), n)
	}
	g.assignZones(rng)
	g.assignHours(rng)
	g.finishPeople()
	return nil
}

// genDepartment adds a department of h people under the CEO.
func (g *gen) genDepartment(rng *rand.Rand, di, h int) {
	d := departments[di]
	zone := pickZone(rng)
	vp := g.add(rng, 0, di, levelVP, "VP "+d.name, d.functions[0], zone)
	r := h - 1
	if r <= 0 {
		return
	}
	if r <= 9 {
		g.genTeam(rng, vp, di, r, zone)
		return
	}
	teams := max(1, (r+4)/8)
	var heads []int // people the team managers report to
	if teams > 6 {
		nDir := (teams + 4) / 5
		for range nDir {
			heads = append(heads, g.add(rng, vp, di, levelDirector, "Director of "+d.name, d.functions[0], pickZone(rng)))
		}
		r -= nDir
		teams = max(1, (r+4)/8)
	} else {
		heads = []int{vp}
	}
	ics := r - teams
	sizes := make([]int, teams)
	base := min(4, ics/teams)
	for i := range sizes {
		sizes[i] = base
	}
	for left := ics - base*teams; left > 0; left-- {
		i := rng.IntN(teams)
		for tries := 0; sizes[i] >= 9 && tries < teams; tries++ {
			i = (i + 1) % teams
		}
		sizes[i]++
	}
	for t, s := range sizes {
		tz := pickZone(rng)
		m := g.add(rng, heads[t%len(heads)], di, levelManager, d.name+" Manager", d.functions[t%len(d.functions)], tz)
		g.genTeam(rng, m, di, s, tz)
	}
}

// genTeam adds s individual contributors reporting to manager m.
func (g *gen) genTeam(rng *rand.Rand, m, di, s int, zone string) {
	d := departments[di]
	fn := g.people[m].Function
	for range s {
		level, title := levelIC, d.ic
		if rng.IntN(3) == 0 {
			level, title = levelSenior, "Senior "+d.ic
		}
		z := zone
		if rng.IntN(7) == 0 {
			z = pickZone(rng)
		}
		g.add(rng, m, di, level, title, fn, z)
	}
}

// add appends a person reporting to manager (-1 for none) and returns its index.
func (g *gen) add(rng *rand.Rand, manager, dept int, level, title, function, zone string) int {
	first := firstNames[rng.IntN(len(firstNames))]
	last := lastNames[rng.IntN(len(lastNames))]
	local := strings.ToLower(first + "." + asciiFold(last))
	email := local + "@" + g.cfg.Domain
	for k := 2; g.taken[email]; k++ {
		email = fmt.Sprintf("%s%d@%s", local, k, g.cfg.Domain)
	}
	g.taken[email] = true
	deptName := "Executive"
	if dept >= 0 {
		deptName = departments[dept].name
	}
	p := person{
		User: User{
			Email: email, Name: first + " " + last,
			Department: deptName, Function: function, Level: level, Title: title,
			TimeZone: zone,
		},
		manager:  manager,
		dept:     dept,
		activity: 0.6 + 0.8*rng.Float64(),
	}
	i := len(g.people)
	if manager >= 0 {
		p.ManagerEmail = g.people[manager].Email
		g.people[manager].reports = append(g.people[manager].reports, i)
	}
	g.people = append(g.people, p)
	return i
}

func asciiFold(s string) string {
	return strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae").Replace(s)
}

func pickZone(rng *rand.Rand) string {
	total := 0
	for _, z := range zones {
		total += z.weight
	}
	r := rng.IntN(total)
	for _, z := range zones {
		if r < z.weight {
			return z.name
		}
		r -= z.weight
	}
	return zones[0].name
}

// assignZones makes sure every zone of zones is present (when there are
// enough people) and loads the locations.
func (g *gen) assignZones(rng *rand.Rand) {
	have := map[string]bool{}
	for _, p := range g.people {
		have[p.TimeZone] = true
	}
	for _, z := range zones {
		if have[z.name] || len(g.people) < 2*len(zones) {
			continue
		}
		// Move an individual contributor who is not alone in their zone.
		for k := 0; k < len(g.people); k++ {
			i := len(g.people) - 1 - (k*7+rng.IntN(3))%len(g.people)
			if len(g.people[i].reports) == 0 && g.people[i].ManagerEmail != "" {
				g.people[i].TimeZone = z.name
				break
			}
		}
	}
	for i := range g.people {
		g.people[i].loc = g.loc(g.people[i].TimeZone)
	}
}

// locations caches loaded zones so that every Org shares one
// *time.Location per name (equal Orgs then compare equal with ==-based
// tools such as reflect.DeepEqual).
var locations sync.Map // name → *time.Location

// loc loads (once) the location of an IANA zone name known to be valid.
func (g *gen) loc(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("synthetic: load embedded zone " + name + ": " + err.Error())
	}
	actual, _ := locations.LoadOrStore(name, l)
	return actual.(*time.Location)
}

var monFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
var sunThu = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Sunday}

// assignHours sets working hours: most 09:00–17:00, some 08:00–16:30 or
// 10:00–18:00, a few unset, a few Sun–Thu and two overnight shifts.
func (g *gen) assignHours(rng *rand.Rand) {
	n := len(g.people)
	for i := range g.people {
		p := &g.people[i]
		p.WorkStart, p.WorkEnd, p.WorkDays = "09:00", "17:00", monFri
		switch r := rng.IntN(100); {
		case r < 15:
			p.WorkStart, p.WorkEnd = "08:00", "16:30"
		case r < 19:
			p.WorkStart, p.WorkEnd = "10:00", "18:00"
		case r < 24:
			p.WorkStart, p.WorkEnd, p.WorkDays = "", "", nil
		}
		p.weekendMail = rng.IntN(100) < 4
	}
	if n < 20 {
		return
	}
	// Special schedules go to individual contributors at fixed strides so
	// that every org of 20 or more people has them.
	var ics []int
	for i, p := range g.people {
		if len(p.reports) == 0 && p.ManagerEmail != "" {
			ics = append(ics, i)
		}
	}
	for k, i := range []int{ics[len(ics)/3], ics[2*len(ics)/3]} {
		p := &g.people[i]
		p.WorkStart, p.WorkEnd, p.WorkDays = "22:00", "06:00", monFri
		if k == 1 {
			p.WorkStart, p.WorkEnd = "21:00", "05:30"
		}
	}
	for k := 0; k < max(1, n/100); k++ {
		p := &g.people[ics[(k*37+5)%len(ics)]]
		if p.WorkStart == "22:00" || p.WorkStart == "21:00" {
			continue
		}
		p.WorkStart, p.WorkEnd, p.WorkDays = "09:00", "17:00", sunThu
	}
}

// finishPeople parses every person's working hours and renders their
// header address.
func (g *gen) finishPeople() {
	for i := range g.people {
		p := &g.people[i]
		p.hours = parseHours(&p.User)
		p.nameAddr = p.Name + " <" + p.Email + ">"
	}
}

// workHours is a User's working hours parsed, with defaults applied.
type workHours struct {
	sh, sm, eh, em int
	days           []time.Weekday
}

// parseHours returns u's working hours with defaults applied.
func parseHours(u *User) workHours {
	start, end := u.WorkStart, u.WorkEnd
	if start == "" || end == "" {
		start, end = "09:00", "17:00"
	}
	var w workHours
	w.days = u.WorkDays
	if len(w.days) == 0 {
		w.days = monFri
	}
	w.sh, w.sm = parseHHMM(start)
	w.eh, w.em = parseHHMM(end)
	return w
}

// parseHHMM parses a well-formed "HH:MM".
func parseHHMM(s string) (h, m int) {
	return int(s[0]-'0')*10 + int(s[1]-'0'), int(s[3]-'0')*10 + int(s[4]-'0')
}

// workWindow returns u's working interval that starts on the local date
// y-m-d, if that is a working day. An overnight shift ends the next day.
func workWindow(u *User, y int, m time.Month, d int) (start, end time.Time, ok bool) {
	w := &u.hours
	day := time.Date(y, m, d, 12, 0, 0, 0, u.loc)
	if !containsDay(w.days, day.Weekday()) {
		return time.Time{}, time.Time{}, false
	}
	start = time.Date(y, m, d, w.sh, w.sm, 0, 0, u.loc)
	end = time.Date(y, m, d, w.eh, w.em, 0, 0, u.loc)
	if !end.After(start) {
		end = time.Date(y, m, d+1, w.eh, w.em, 0, 0, u.loc)
	}
	return start, end, true
}

func containsDay(days []time.Weekday, d time.Weekday) bool {
	for _, x := range days {
		if x == d {
			return true
		}
	}
	return false
}
