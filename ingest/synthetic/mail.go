package synthetic

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/overload-engine/overload/dataset"
)

// addr is a message participant: an internal person (pi >= 0) or an
// external address.
type addr struct {
	pi  int
	ext string
}

var emailTitles = []string{
	"Quick question", "Re: numbers for Q3", "Draft for review", "Notes from today", "Follow-up",
	"Customer escalation", "Invoice", "Schedule change", "Weekly update", "Proposal",
}

// genMail generates each week's mail and chat: originals (with bursts and
// an after-hours tail), replies, chats, inbound external mail and bulk,
// delivery reports, meeting responses and out-of-office auto-replies.
func (g *gen) genMail() {
	rng := g.rng("mail")
	for wi := range g.weeks {
		first := len(g.msgs)
		for pi := range g.people {
			g.genEmails(rng, pi, wi)
		}
		g.genReplies(rng, first, len(g.msgs))
		for pi := range g.people {
			g.genChats(rng, pi, wi)
		}
		g.genInbound(rng, wi)
		g.genMeetingResponses(rng, wi)
		g.genAutoReplies(first, len(g.msgs))
	}
}

// inRange reports whether t falls inside the generated weeks.
func (g *gen) inRange(t time.Time) bool {
	s := g.weeks[0].Monday()
	e := g.weeks[len(g.weeks)-1].Monday().AddDate(0, 0, 7)
	return !t.Before(s) && t.Before(e)
}

// sendTime draws when pi sends something in week wi: mostly inside working
// hours, sometimes in the evening or early morning, and on weekends for
// the few who mail then.
func (g *gen) sendTime(rng *rand.Rand, pi, wi int) time.Time {
	p := &g.people[pi]
	days := g.workDays(pi, wi)
	after := 10
	if p.weekendMail {
		after = 25
	}
	if len(days) == 0 {
		days = g.localDays(pi, wi)[:5]
	}
	d := days[rng.IntN(len(days))]
	ws, we, ok := g.window(pi, d)
	if !ok {
		ws = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, p.loc)
		we = ws.Add(8 * time.Hour)
	}
	sec := func(n time.Duration) time.Duration {
		return time.Duration(rng.Int64N(int64(n/time.Second))) * time.Second
	}
	if rng.IntN(100) >= after {
		return ws.Add(sec(we.Sub(ws)))
	}
	switch r := rng.IntN(10); {
	case p.weekendMail && r < 5:
		all := g.localDays(pi, wi)
		wd := all[5+rng.IntN(2)]
		return time.Date(wd.Year(), wd.Month(), wd.Day(), 10, 0, 0, 0, p.loc).Add(sec(8 * time.Hour))
	case r < 7:
		return we.Add(time.Minute + sec(4*time.Hour))
	default:
		return ws.Add(-time.Minute - sec(2*time.Hour))
	}
}

// circle returns the people pi works with most: manager, reports, peers.
func (g *gen) circle(pi int) []int {
	var out []int
	m := g.manager(pi)
	if m >= 0 {
		out = append(out, m)
		for _, s := range g.people[m].reports {
			if s != pi {
				out = append(out, s)
			}
		}
	}
	return append(out, g.people[pi].reports...)
}

// manager returns the index of pi's manager, or -1.
func (g *gen) manager(pi int) int { return g.people[pi].manager }

// pickRecipient draws one person pi writes to.
func (g *gen) pickRecipient(rng *rand.Rand, pi int, circle []int) addr {
	switch r := rng.IntN(100); {
	case r < 6:
		return addr{pi: -1, ext: g.contacts[rng.IntN(len(g.contacts))]}
	case r < 65 && len(circle) > 0:
		return addr{pi: circle[rng.IntN(len(circle))]}
	default:
		if o := g.pickOthers(rng, pi, 1); len(o) > 0 {
			return addr{pi: o[0]}
		}
		return addr{pi: (pi + 1) % len(g.people)}
	}
}

// genEmails generates pi's original emails in week wi.
func (g *gen) genEmails(rng *rand.Rand, pi, wi int) {
	p := &g.people[pi]
	n := int(p.activity * float64(7+rng.IntN(22)))
	circle := g.circle(pi)
	var last time.Time
	for i := range n {
		at := g.sendTime(rng, pi, wi)
		if i > 0 && rng.IntN(100) < 15 {
			at = last.Add(time.Duration(30+rng.IntN(210)) * time.Second) // burst
		}
		last = at
		var to, cc, bcc []addr
		switch r := rng.IntN(200); {
		case r == 0:
			to = []addr{{pi: pi}} // a note to self
		default:
			for range 1 + rng.IntN(3) {
				to = append(to, g.pickRecipient(rng, pi, circle))
			}
			if rng.IntN(100) < 35 {
				for range 1 + rng.IntN(3) {
					cc = append(cc, g.pickRecipient(rng, pi, circle))
				}
			}
			if rng.IntN(100) < 3 {
				bcc = append(bcc, g.pickRecipient(rng, pi, circle))
			}
			if r < 3 {
				cc = append(cc, to[0]) // the same person twice
			}
		}
		g.send(rng, dataset.ChannelEmail, addr{pi: pi}, to, cc, bcc, at, "", "", emailTitles[rng.IntN(len(emailTitles))])
	}
}

// send appends a message and returns its index.
func (g *gen) send(rng *rand.Rand, channel string, from addr, to, cc, bcc []addr, at time.Time, inReplyTo, thread, title string) int {
	g.nMsg++
	g.canary++
	dom := g.cfg.Domain
	if from.pi < 0 {
		dom = from.ext[strings.LastIndexByte(from.ext, '@')+1:]
	}
	var id string
	if r := rng.Uint32(); channel == dataset.ChannelChat {
		id = messageID("<chat-", "@chat.", rng.Uint32(), g.nMsg, dom) // chat ids take a second draw
	} else {
		id = messageID("<", "@mail.", r, g.nMsg, dom)
	}
	if thread == "" {
		var b [16]byte
		thread = string(appendPadded(b[:0], rng.Uint64(), 16, 16))
	}
	m := message{
		id: id, thread: thread, channel: channel, from: from.pi,
		fromHdr: g.header(rng, from), date: at.Truncate(time.Second),
		inReplyTo: inReplyTo, title: title, canary: g.canary, hash: rng.Uint64(),
	}
	n := len(to) + len(cc) + len(bcc)
	m.hdrs = g.hdrBlock.take(n)
	m.nTo, m.nCc = int32(len(to)), int32(len(cc))
	m.rcpt = g.rcptBlock.take(n)
	for _, list := range [][]addr{to, cc, bcc} {
		for _, a := range list {
			m.hdrs = append(m.hdrs, g.header(rng, a))
			if a.pi >= 0 && !containsInt(m.rcpt, a.pi) {
				m.rcpt = append(m.rcpt, a.pi)
			}
		}
	}
	g.msgs = append(g.msgs, m)
	return len(g.msgs) - 1
}

// messageID returns the Internet Message-ID prefix + r + "." + n + host +
// domain + ">", with r as 8 hex digits.
func messageID(prefix, host string, r uint32, n int, domain string) string {
	var b [96]byte
	s := appendPadded(append(b[:0], prefix...), uint64(r), 16, 8)
	s = strconv.AppendInt(append(s, '.'), int64(n), 10)
	s = append(append(append(s, host...), domain...), '>')
	return string(s)
}

// appendPadded appends v in the given base (lowercase digits), padded with
// zeros to at least width digits, as fmt's %0<width>x and %0<width>d do.
func appendPadded(b []byte, v uint64, base, width int) []byte {
	var d [64]byte
	digits := strconv.AppendUint(d[:0], v, base)
	for range width - len(digits) {
		b = append(b, '0')
	}
	return append(b, digits...)
}

// header renders a as a header address: "Name <addr>" or the bare address,
// now and then with a capitalised address.
func (g *gen) header(rng *rand.Rand, a addr) string {
	if a.pi < 0 {
		return a.ext
	}
	p := &g.people[a.pi]
	switch r := rng.IntN(100); {
	case r < 2:
		return p.Name + " <" + capitalise(p.Email) + ">"
	case r < 50:
		return p.nameAddr
	}
	return p.Email
}

// capitalise upper-cases the first letter of each dot-separated part of
// the local part and of the domain: "Ann.Smith@Example.com".
func capitalise(email string) string {
	b := []byte(email)
	up := true
	for i, c := range b {
		if up && 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == '.' || c == '@'
	}
	return string(b)
}

// genReplies makes the first internal recipient answer some of the emails
// in msgs[from:to], after a delay.
func (g *gen) genReplies(rng *rand.Rand, from, to int) {
	for i := from; i < to; i++ {
		m := g.msgs[i]
		if m.channel != dataset.ChannelEmail || m.autoSubmitted != "" || rng.IntN(100) >= 45 {
			continue
		}
		r := -1
		for _, x := range m.rcpt {
			if x != m.from {
				r = x
				break
			}
		}
		if r < 0 {
			continue
		}
		delay := 2*time.Minute + time.Duration(rng.ExpFloat64()*float64(80*time.Minute))
		at := m.date.Add(delay)
		if u := &g.people[r].User; !u.InWorkingHours(at) && rng.IntN(100) < 80 {
			at = g.nextWorking(r, at).Add(time.Duration(rng.IntN(3600)) * time.Second)
		}
		if !g.inRange(at) {
			continue
		}
		sender := addr{pi: m.from}
		if m.from < 0 {
			sender = addr{pi: -1, ext: bareAddress(m.fromHdr)}
		}
		var cc []addr
		if rng.IntN(100) < 30 {
			for _, x := range m.rcpt {
				if x != r && x != m.from {
					cc = append(cc, addr{pi: x})
				}
			}
		}
		g.send(rng, dataset.ChannelEmail, addr{pi: r}, []addr{sender}, cc, nil, at, m.id, m.thread, "Re: "+m.title)
	}
}

// genChats generates chat conversations pi starts in week wi: direct
// messages and small groups, a few to a few dozen seconds apart.
func (g *gen) genChats(rng *rand.Rand, pi, wi int) {
	target := int(g.people[pi].activity * float64(15+rng.IntN(50)))
	circle := g.circle(pi)
	for sent := 0; sent < target; {
		parts := []int{pi}
		k := 1
		if rng.IntN(4) == 0 {
			k = 2 + rng.IntN(4)
		}
		for range k {
			a := g.pickRecipient(rng, pi, circle)
			if a.pi >= 0 && !containsInt(parts, a.pi) {
				parts = append(parts, a.pi)
			}
		}
		at := g.sendTime(rng, pi, wi)
		if rng.IntN(100) < 85 {
			// People mostly chat with whoever is at work now.
			parts = slices.DeleteFunc(parts, func(x int) bool { return x != pi && !g.people[x].InWorkingHours(at) })
		}
		if len(parts) < 2 {
			sent++ // count the attempt so that the loop ends
			continue
		}
		var b [32]byte
		thread := string(appendPadded(append(b[:0], "spaces/"...), rng.Uint64()>>16, 16, 12))
		speaker := pi
		for j := range 2 + rng.IntN(7) {
			if j > 0 {
				at = at.Add(time.Duration(20+rng.IntN(160)) * time.Second)
				next := parts[rng.IntN(len(parts))]
				for next == speaker {
					next = parts[rng.IntN(len(parts))]
				}
				speaker = next
			}
			var to []addr
			for _, x := range parts {
				if x != speaker {
					to = append(to, addr{pi: x})
				}
			}
			g.send(rng, dataset.ChannelChat, addr{pi: speaker}, to, nil, nil, at, "", thread, "chat")
			sent++
		}
	}
}

// genInbound adds mail from outside in week wi: messages from contacts,
// bulk newsletters and delivery reports.
func (g *gen) genInbound(rng *rand.Rand, wi int) {
	mon := g.weeks[wi].Monday()
	at := func() time.Time { return mon.Add(time.Duration(rng.Int64N(int64(5 * 24 * time.Hour)))) }
	for range g.cfg.People / 5 {
		from := addr{pi: -1, ext: g.contacts[rng.IntN(len(g.contacts))]}
		to := []addr{{pi: rng.IntN(len(g.people))}}
		if rng.IntN(3) == 0 {
			to = append(to, addr{pi: rng.IntN(len(g.people))})
		}
		i := g.send(rng, dataset.ChannelEmail, from, to, nil, nil, at(), "", "", "Partnership")
		if rng.IntN(5) == 0 {
			g.msgs[i].precedence = "bulk"
			g.msgs[i].title = "Newsletter"
		}
	}
	for range max(1, g.cfg.People/100) {
		from := addr{pi: -1, ext: "mailer-daemon@googlemail.com"}
		i := g.send(rng, dataset.ChannelEmail, from, []addr{{pi: rng.IntN(len(g.people))}}, nil, nil, at(), "", "", "Delivery Status Notification (Failure)")
		g.msgs[i].autoSubmitted = "auto-replied"
	}
}

// genMeetingResponses adds the response emails some guests of one-off
// meetings starting in week wi send to the organizer.
func (g *gen) genMeetingResponses(rng *rand.Rand, wi int) {
	start, end := g.weeks[wi].Monday(), g.weeks[wi].Monday().AddDate(0, 0, 7)
	if g.index == nil {
		g.index = make(map[string]int, len(g.people))
		for i, p := range g.people {
			g.index[p.Email] = i
		}
	}
	index := g.index
	for ii := range g.inst {
		in := &g.inst[ii]
		org, ok := index[in.organizer]
		if !ok || in.series != "" || in.eventType != typeDefault || in.allDay || in.start.Before(start) || !in.start.Before(end) {
			continue
		}
		for _, a := range in.attendees {
			pi, ok := index[a.Email]
			if !ok || a.Organizer || a.ResponseStatus == respNeedsAction || rng.IntN(100) >= 12 {
				continue
			}
			at := in.created.Add(time.Duration(rng.Int64N(int64(in.start.Sub(in.created)))))
			if !g.inRange(at) {
				continue
			}
			verb := responseVerbs[a.ResponseStatus]
			i := g.send(rng, dataset.ChannelEmail, addr{pi: pi}, []addr{{pi: org}}, nil, nil, at, "", "", verb+": "+in.title)
			g.msgs[i].autoSubmitted = "auto-generated"
		}
	}
}

// responseVerbs begin the subjects of meeting responses.
var responseVerbs = map[string]string{respAccepted: "Accepted", respTentative: "Tentative", respDeclined: "Declined"}

// genAutoReplies answers, once per sender and day, human emails in
// msgs[from:to] that reach someone who is out of office.
func (g *gen) genAutoReplies(from, to int) {
	done := map[string]bool{}
	for i := from; i < to; i++ {
		m := g.msgs[i]
		if m.channel != dataset.ChannelEmail || m.autoSubmitted != "" || m.precedence != "" {
			continue
		}
		for _, r := range m.rcpt {
			if r == m.from || !g.isOOO(r, m.date) {
				continue
			}
			key := fmt.Sprint(r, bareAddress(m.fromHdr), m.date.In(g.people[r].loc).YearDay())
			if done[key] {
				continue
			}
			done[key] = true
			sender := addr{pi: m.from}
			if m.from < 0 {
				sender = addr{pi: -1, ext: bareAddress(m.fromHdr)}
			}
			rng := rand.New(rand.NewPCG(uint64(i), uint64(r)))
			j := g.send(rng, dataset.ChannelEmail, addr{pi: r}, []addr{sender}, nil, nil, m.date.Add(time.Minute), m.id, m.thread, "Automatic reply: "+m.title)
			g.msgs[j].autoSubmitted = "auto-replied"
		}
	}
}

// nextWorking returns the start of pi's next working interval after t (t
// itself if none is found within two weeks).
func (g *gen) nextWorking(pi int, t time.Time) time.Time {
	u := &g.people[pi].User
	lt := t.In(u.loc)
	for i := 0; i < 14; i++ {
		if s, _, ok := workWindow(u, lt.Year(), lt.Month(), lt.Day()+i); ok && s.After(t) {
			return s
		}
	}
	return t
}

// bareAddress returns the address inside "Name <addr>", or h itself.
func bareAddress(h string) string {
	if i := strings.LastIndexByte(h, '<'); i >= 0 {
		return strings.TrimSuffix(h[i+1:], ">")
	}
	return h
}

func containsInt(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
