package googletest

import (
	"slices"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Expected returns the tables a correct Google ingest of org for weeks
// produces: org.Tables(ps) restricted to the events that start and the
// messages sent in weeks, minus what Google's APIs cannot give (the source
// limits of package google):
//
//   - no working hours: people rows have empty work_start, work_end and
//     work_days (Google has no API for them);
//   - no chat: Google Chat is not read;
//   - no title classes: titles are never requested;
//   - without inbox, only messages an internal user sent.
//
// The source column is "google". Rows are in Org.Tables' order.
func Expected(org *synthetic.Org, ps *ingest.Pseudonymizer, weeks []dataset.Week, inbox bool) *dataset.Tables {
	t := org.Tables(ps)
	week := map[dataset.Week]bool{}
	for _, w := range weeks {
		week[w] = true
	}
	internal := map[string]bool{}
	for i := range t.People {
		p := &t.People[i]
		p.WorkStart, p.WorkEnd, p.WorkDays = "", "", ""
		p.Source = "google"
		internal[p.PersonID] = true
	}
	kept := map[string]bool{}
	t.Events = slices.DeleteFunc(t.Events, func(e dataset.Event) bool { return !week[dataset.WeekOf(e.Start)] })
	for i := range t.Events {
		t.Events[i].TitleClass = ""
		t.Events[i].Source = "google"
		kept[t.Events[i].EventID] = true
	}
	t.Attendance = slices.DeleteFunc(t.Attendance, func(a dataset.Attendance) bool { return !kept[a.EventID] })
	t.Messages = slices.DeleteFunc(t.Messages, func(m dataset.Message) bool {
		return m.Channel != dataset.ChannelEmail || !week[dataset.WeekOf(m.SentAt)] || (!inbox && !internal[m.SenderID])
	})
	for i := range t.Messages {
		t.Messages[i].Source = "google"
	}
	return t
}
