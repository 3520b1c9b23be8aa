package graphtest

import (
	"slices"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Expected returns the tables a correct Graph ingest of org for weeks
// produces: org.Tables(ps) restricted to the events that start and the
// messages sent in weeks, minus what Graph cannot give (the source limits
// of package msgraph):
//
//   - no event type: focus-time blocks are meetings (out-of-office and
//     working-location blocks are known by their showAs);
//   - no title classes: subjects are never requested;
//   - no chat: Teams chat is not read;
//   - without inbox, only messages an internal user sent.
//
// Working hours and time zones come from mailboxSettings, so people rows
// are complete. The source column is "msgraph". Rows are in Org.Tables'
// order.
func Expected(org *synthetic.Org, ps *ingest.Pseudonymizer, weeks []dataset.Week, inbox bool) *dataset.Tables {
	t := org.Tables(ps)
	week := map[dataset.Week]bool{}
	for _, w := range weeks {
		week[w] = true
	}
	internal := map[string]bool{}
	for i := range t.People {
		t.People[i].Source = "msgraph"
		internal[t.People[i].PersonID] = true
	}
	kept := map[string]bool{}
	t.Events = slices.DeleteFunc(t.Events, func(e dataset.Event) bool { return !week[dataset.WeekOf(e.Start)] })
	for i := range t.Events {
		e := &t.Events[i]
		e.TitleClass = ""
		e.Source = "msgraph"
		if e.Kind == dataset.KindFocus {
			e.Kind = dataset.KindMeeting
		}
		kept[e.EventID] = true
	}
	t.Attendance = slices.DeleteFunc(t.Attendance, func(a dataset.Attendance) bool { return !kept[a.EventID] })
	t.Messages = slices.DeleteFunc(t.Messages, func(m dataset.Message) bool {
		return m.Channel != dataset.ChannelEmail || !week[dataset.WeekOf(m.SentAt)] || (!inbox && !internal[m.SenderID])
	})
	for i := range t.Messages {
		t.Messages[i].Source = "msgraph"
	}
	return t
}
