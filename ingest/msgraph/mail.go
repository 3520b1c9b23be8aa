package msgraph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

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
	for _, f := range folders {
		if err := s.folder(ctx, u, f, start, end, fn); err != nil {
			return err
		}
	}
	return nil
}

// folder reads one well-known mail folder. Delivery can lag sending, so
// the receivedDateTime filter reaches a day past the window; sentDateTime
// decides.
func (s *Source) folder(ctx context.Context, u ingest.User, folder string, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	filter := fmt.Sprintf("receivedDateTime ge %s and receivedDateTime lt %s",
		start.UTC().Format(time.RFC3339), end.Add(24*time.Hour).UTC().Format(time.RFC3339))
	h := s.outlookHeaders()
	resp, err := s.users().ByUserId(s.userID(u.Email)).MailFolders().ByMailFolderId(folder).Messages().Get(ctx,
		&users.ItemMailFoldersItemMessagesRequestBuilderGetRequestConfiguration{
			Headers: h,
			QueryParameters: &users.ItemMailFoldersItemMessagesRequestBuilderGetQueryParameters{
				Select: messageSelect, Filter: &filter,
			}})
	if err != nil {
		return fmt.Errorf("msgraph: %s: %w", folder, describe(err))
	}
	it, err := msgraphcore.NewPageIterator[models.Messageable](resp, s.ad, models.CreateMessageCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return fmt.Errorf("msgraph: %s: %w", folder, err)
	}
	it.SetHeaders(h)
	sent := folder == "sentitems"
	var fnErr error
	err = it.Iterate(ctx, func(m models.Messageable) bool {
		me, ok := mailEntry(m)
		if !ok || me.Date.Before(start) || !me.Date.Before(end) {
			return true
		}
		if sent {
			me.Labels = []string{synthetic.LabelSent}
		}
		row, err := synthetic.MessageFromEntry(s.ps, me)
		if err != nil {
			fnErr = fmt.Errorf("msgraph: message of %s: %w", u.Person.PersonID, errors.New("unreadable address"))
			return false
		}
		row.Source = SourceName
		if fnErr = fn(ingest.MessageCopy{Message: row, Sent: sent}); fnErr != nil {
			return false
		}
		return true
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("msgraph: %s: %w", folder, describe(err))
	}
	return nil
}

// mailEntry maps a Graph message to the shape synthetic.MessageFromEntry
// takes: addresses, sent time, and the In-Reply-To, Auto-Submitted and
// Precedence headers (the others, Subject among them, are dropped here).
func mailEntry(m models.Messageable) (synthetic.MailEntry, bool) {
	id := deref(m.GetInternetMessageId())
	sentAt := m.GetSentDateTime()
	if id == "" || sentAt == nil {
		return synthetic.MailEntry{}, false
	}
	me := synthetic.MailEntry{MessageID: id, Channel: dataset.ChannelEmail, Date: sentAt.UTC()}
	from := m.GetFrom()
	if from == nil {
		from = m.GetSender()
	}
	if from == nil || from.GetEmailAddress() == nil {
		return me, false
	}
	me.From = deref(from.GetEmailAddress().GetAddress())
	list := func(rs []models.Recipientable) []string {
		var out []string
		for _, r := range rs {
			if r != nil && r.GetEmailAddress() != nil && deref(r.GetEmailAddress().GetAddress()) != "" {
				out = append(out, deref(r.GetEmailAddress().GetAddress()))
			}
		}
		return out
	}
	me.To, me.Cc, me.Bcc = list(m.GetToRecipients()), list(m.GetCcRecipients()), list(m.GetBccRecipients())
	for _, h := range m.GetInternetMessageHeaders() {
		switch strings.ToLower(deref(h.GetName())) {
		case "in-reply-to":
			me.InReplyTo = deref(h.GetValue())
		case "auto-submitted":
			me.AutoSubmitted = deref(h.GetValue())
		case "precedence":
			me.Precedence = deref(h.GetValue())
		}
	}
	return me, true
}
