package msgraph

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
	"golang.org/x/sync/errgroup"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Mail reads u's sent items (and inbox with Config.Inbox) and calls fn
// for every email sent in [start, end). Teams chat is not read.
func (s *Source) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	folders := []string{"sentitems"}
	if s.cfg.Inbox {
		folders = append(folders, "inbox")
	}
	// The folders are read at once (the limiter holds the mailbox to
	// PerMailboxConcurrency requests in flight), fn one call at a time.
	var mu sync.Mutex
	one := func(c ingest.MessageCopy) error {
		mu.Lock()
		defer mu.Unlock()
		return fn(c)
	}
	g, gctx := errgroup.WithContext(ctx)
	for _, f := range folders {
		g.Go(func() error { return s.folder(gctx, u, f, start, end, one) })
	}
	return g.Wait()
}

// folder reads one well-known mail folder. Delivery can lag sending, so
// the receivedDateTime filter reaches a day past the window; sentDateTime
// decides.
func (s *Source) folder(ctx context.Context, u ingest.User, folder string, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	filter := fmt.Sprintf("receivedDateTime ge %s and receivedDateTime lt %s",
		start.UTC().Format(time.RFC3339), end.Add(24*time.Hour).UTC().Format(time.RFC3339))
	h := s.outlookHeaders()
	rb := s.users().ByUserId(s.userID(u.Email)).MailFolders().ByMailFolderId(folder).Messages()
	ri, err := rb.ToGetRequestInformation(ctx, &users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
		Headers: h,
		QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{
			Select: messageSelect, Filter: &filter,
		}})
	if err != nil {
		return fmt.Errorf("msgraph: %s: %w", folder, err)
	}
	next := func(link string) (*abs.RequestInformation, error) {
		return rb.WithUrl(link).ToGetRequestInformation(ctx, &users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{Headers: h})
	}
	sent := folder == "sentitems"
	return eachPage(ctx, s, folder, ri, next, func(m *graphMessage) (bool, error) {
		me, ok, err := mailEntry(m)
		if err != nil {
			return false, fmt.Errorf("msgraph: message of %s: %w", u.Person.PersonID, err)
		}
		if !ok || me.Date.Before(start) || !me.Date.Before(end) {
			return true, nil
		}
		if sent {
			me.Labels = []string{synthetic.LabelSent}
		}
		row, err := synthetic.MessageFromEntry(s.ps, me)
		if err != nil {
			return false, fmt.Errorf("msgraph: message of %s: %w", u.Person.PersonID, errors.New("unreadable address"))
		}
		row.Source = SourceName
		return true, fn(ingest.MessageCopy{Message: row, Sent: sent})
	})
}

// mailEntry maps a Graph message to the shape synthetic.MessageFromEntry
// takes: addresses, sent time, and the In-Reply-To, Auto-Submitted and
// Precedence headers (the others, Subject among them, are never copied
// out of the page: see graphHeaders).
// ok is false for a message to skip (no id, sent time or sender); err
// says a sent time is not a date.
func mailEntry(m *graphMessage) (me synthetic.MailEntry, ok bool, err error) {
	var sentAt time.Time
	if m.SentDateTime != "" {
		if sentAt, err = graphInstant(m.SentDateTime); err != nil {
			return me, false, errors.New("sentDateTime unreadable")
		}
	}
	if m.InternetMessageID == "" || m.SentDateTime == "" {
		return me, false, nil
	}
	me = synthetic.MailEntry{MessageID: m.InternetMessageID, Channel: dataset.ChannelEmail, Date: sentAt.UTC()}
	from := m.From
	if from == nil {
		from = m.Sender
	}
	if from == nil || from.EmailAddress == nil {
		return me, false, nil
	}
	me.From = from.address()
	me.To, me.Cc, me.Bcc = m.ToRecipients, m.CcRecipients, m.BccRecipients
	h := &m.InternetMessageHeaders
	me.InReplyTo, me.AutoSubmitted, me.Precedence = h.InReplyTo, h.AutoSubmitted, h.Precedence
	return me, true, nil
}
