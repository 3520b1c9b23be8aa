package graphtest

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Connector's $select lists (package msgraph's eventSelect and
// messageSelect), copied: graphtest must not import msgraph.
var (
	connectorEventSelect = []string{"iCalUId", "originalStart", "start", "end", "isAllDay", "isCancelled", "showAs", "type",
		"seriesMasterId", "organizer", "attendees", "responseStatus", "isOnlineMeeting", "createdDateTime"}
	connectorMessageSelect = []string{"internetMessageId", "conversationId", "from", "sender", "toRecipients", "ccRecipients",
		"bccRecipients", "sentDateTime", "receivedDateTime", "internetMessageHeaders"}
)

// connectorPrefer are the Prefer headers package msgraph sends on every
// calendar and mail request.
var connectorPrefer = []string{`outlook.timezone="UTC"`, `IdType="ImmutableId"`, "odata.maxpagesize=250"}

// benchURLs returns, for every person of org, the first-page URLs of the
// requests package msgraph makes: calendarView and both mail folders.
func benchURLs(org *synthetic.Org) (cal, mail []string) {
	start, end := org.Window()
	from := start.Add(-26 * time.Hour).UTC().Format(time.RFC3339)
	to := end.Add(26 * time.Hour).UTC().Format(time.RFC3339)
	filter := "receivedDateTime ge " + start.UTC().Format(time.RFC3339) + " and receivedDateTime lt " +
		end.Add(24*time.Hour).UTC().Format(time.RFC3339)
	for _, p := range org.People() {
		base := "http://graph.test/v1.0/users/" + ObjectID(p.Email)
		cal = append(cal, base+"/calendarView?startDateTime="+from+"&endDateTime="+to+
			"&%24select="+strings.Join(connectorEventSelect, ","))
		for _, f := range []string{FolderSent, FolderInbox} {
			mail = append(mail, base+"/mailFolders/"+f+"/messages?%24filter="+url.QueryEscape(filter)+
				"&%24select="+strings.Join(connectorMessageSelect, ","))
		}
	}
	return cal, mail
}

// BenchmarkServe serves the pages package msgraph asks for, one page per
// op, cycling over a 200-person organisation's users (overload bench
// ingest's default size).
func BenchmarkServe(b *testing.B) {
	org, err := synthetic.Generate(synthetic.Config{People: 200, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	srv := New(org, Options{WindowsZones: true})
	srv.URL = "http://graph.test"
	cal, mail := benchURLs(org)
	for _, bc := range []struct {
		name string
		urls []string
	}{{"calendarView", cal}, {"messages", mail}} {
		b.Run(bc.name, func(b *testing.B) {
			reqs := make([]*http.Request, len(bc.urls))
			for i, u := range bc.urls {
				reqs[i] = httptest.NewRequest("GET", u, nil)
				for _, p := range connectorPrefer {
					reqs[i].Header.Add("Prefer", p)
				}
			}
			size := 0
			for _, r := range reqs {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %s", r.URL, w.Code, w.Body)
				}
				size += w.Body.Len()
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				srv.ServeHTTP(httptest.NewRecorder(), reqs[i%len(reqs)])
				i++
			}
			b.ReportMetric(float64(size)/float64(len(reqs)), "page-B")
			srv.mu.Lock()
			srv.requests = nil
			srv.mu.Unlock()
		})
	}
}
