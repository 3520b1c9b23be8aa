package google

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/api/gmail/v1"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Gmail quota units per call.
const (
	costList = 5
	costGet  = 5
)

// mailHeaders is the header allow-list of messages.get: addresses, dates,
// ids and the auto-generated markers. Never Subject.
var mailHeaders = []string{"From", "To", "Cc", "Bcc", "Date", "Message-ID", "In-Reply-To", "Auto-Submitted", "Precedence"}

// messageFields is the messages.get partial-response mask: without it,
// format=metadata still returns the snippet, a body excerpt.
const messageFields = "id,threadId,labelIds,internalDate,payload/headers"

// Mail implements ingest.Source: u's SENT label (and INBOX with
// Config.Inbox), newest first, each label paged until a page reaches
// messages older than start. The gmail.metadata scope forbids q, so the
// window cannot be given to the API.
func (s *Source) Mail(ctx context.Context, u ingest.User, start, end time.Time, fn func(ingest.MessageCopy) error) error {
	hc, done, err := s.userClient(u.Email)
	if err != nil {
		return err
	}
	defer done()
	defer s.gmailPacer.Forget(u.Email)
	svc, err := gmail.NewService(ctx, endpointOpts(hc, s.cfg.Endpoints.Gmail)...)
	if err != nil {
		return fmt.Errorf("google: gmail client: %w", err)
	}
	labels := []string{synthetic.LabelSent}
	if s.cfg.Inbox {
		labels = append(labels, synthetic.LabelInbox)
	}
	seen := map[string]bool{} // Gmail ids: a message to oneself is in both labels
	for _, label := range labels {
		if err := s.mailLabel(ctx, svc, u, label, start, end, seen, fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Source) mailLabel(ctx context.Context, svc *gmail.Service, u ingest.User, label string,
	start, end time.Time, seen map[string]bool, fn func(ingest.MessageCopy) error) error {
	call := svc.Users.Messages.List(u.Email).LabelIds(label).MaxResults(500).IncludeSpamTrash(false).
		Fields("nextPageToken,messages(id)")
	par := s.cfg.PerUserConcurrency
	if par <= 0 {
		par = DefaultPerUserConcurrency
	}
	for token := ""; ; {
		call.PageToken(token)
		var page *gmail.ListMessagesResponse
		err := s.do(ctx, s.gmailPacer, u.Email, costList, func(ctx context.Context) (err error) {
			page, err = call.Context(ctx).Do()
			return err
		})
		if err != nil {
			return fmt.Errorf("list %s: %w", label, stripURL(err))
		}
		var ids []string
		for _, m := range page.Messages {
			if !seen[m.Id] {
				seen[m.Id] = true
				ids = append(ids, m.Id)
			}
		}
		older := false
		for chunk := range slices.Chunk(ids, par) {
			msgs, err := s.getMessages(ctx, svc, u, chunk)
			if err != nil {
				return err
			}
			for _, m := range msgs {
				c, err := s.messageCopy(m)
				if err != nil {
					s.log.Warn("message skipped", ingest.LogKeyPerson, u.Person.PersonID, ingest.LogKeyError, err.Error())
					continue
				}
				if time.UnixMilli(m.InternalDate).Before(start) {
					older = true
				}
				if c.Message.SentAt.Before(start) || !c.Message.SentAt.Before(end) {
					continue
				}
				if err := fn(c); err != nil {
					return err
				}
			}
			if older {
				break // newest first: the rest of the label is older still
			}
		}
		if token = page.NextPageToken; token == "" || older {
			return nil
		}
	}
}

// getMessages gets ids concurrently, in order.
func (s *Source) getMessages(ctx context.Context, svc *gmail.Service, u ingest.User, ids []string) ([]*gmail.Message, error) {
	out := make([]*gmail.Message, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call := svc.Users.Messages.Get(u.Email, id).Format("metadata").MetadataHeaders(mailHeaders...).
				Fields(messageFields)
			errs[i] = s.do(ctx, s.gmailPacer, u.Email, costGet, func(ctx context.Context) (err error) {
				out[i], err = call.Context(ctx).Do()
				return err
			})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("get message: %w", stripURL(err))
		}
	}
	return out, nil
}

// messageCopy maps one Gmail message to a messages row, through the same
// function as synthetic.Org.Tables. sent_at is internalDate (Gmail's
// receipt or send time, ms), the Date header only when that is missing.
func (s *Source) messageCopy(m *gmail.Message) (ingest.MessageCopy, error) {
	e := synthetic.MailEntry{ID: m.Id, ThreadID: m.ThreadId, Channel: dataset.ChannelEmail, Labels: m.LabelIds}
	var dateHdr string
	if m.Payload != nil {
		for _, h := range m.Payload.Headers {
			switch strings.ToLower(h.Name) {
			case "from":
				e.From = h.Value
			case "to":
				e.To = splitAddresses(h.Value)
			case "cc":
				e.Cc = splitAddresses(h.Value)
			case "bcc":
				e.Bcc = splitAddresses(h.Value)
			case "date":
				dateHdr = h.Value
			case "message-id":
				e.MessageID = h.Value
			case "in-reply-to":
				e.InReplyTo = h.Value
			case "auto-submitted":
				e.AutoSubmitted = h.Value
			case "precedence":
				e.Precedence = h.Value
			}
		}
	}
	switch {
	case m.InternalDate > 0:
		e.Date = time.UnixMilli(m.InternalDate).UTC()
	case dateHdr != "":
		t, err := mail.ParseDate(dateHdr)
		if err != nil {
			return ingest.MessageCopy{}, fmt.Errorf("message %s: date: %w", m.Id, err)
		}
		e.Date = t
	default:
		return ingest.MessageCopy{}, fmt.Errorf("message %s: no date", m.Id)
	}
	if e.MessageID == "" {
		e.MessageID = "<gmail-" + m.Id + ">" // cannot be deduplicated across mailboxes
	}
	row, err := synthetic.MessageFromEntry(s.ps, e)
	if err != nil {
		return ingest.MessageCopy{}, err
	}
	row.Source = SourceName
	return ingest.MessageCopy{Message: row, Sent: slices.Contains(m.LabelIds, synthetic.LabelSent)}, nil
}

// splitAddresses splits an address-list header into one entry per address,
// rendered as a bare address.
func splitAddresses(h string) []string {
	if strings.TrimSpace(h) == "" {
		return nil
	}
	if list, err := mail.ParseAddressList(h); err == nil {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out
	}
	var out []string
	for _, p := range strings.Split(h, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
