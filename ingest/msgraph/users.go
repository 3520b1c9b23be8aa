package msgraph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
	"golang.org/x/sync/errgroup"

	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Users lists the directory's enabled member accounts with a mail
// address, in the directory's order, each with the time zone and working
// hours of their mailbox.
func (s *Source) Users(ctx context.Context, fn func(ingest.User) error) error {
	top := int32(999)
	rb := s.users()
	ri, err := rb.ToGetRequestInformation(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
			Select: userSelect,
			Expand: []string{"manager($select=id,mail,userPrincipalName)"},
			Top:    &top,
		}})
	if err != nil {
		return fmt.Errorf("msgraph: list users: %w", err)
	}
	next := func(link string) (*abs.RequestInformation, error) {
		return rb.WithUrl(link).ToGetRequestInformation(ctx, nil)
	}
	fa := orInt(s.cfg.FunctionAttribute, DefaultFunctionAttribute)
	la := orInt(s.cfg.LevelAttribute, DefaultLevelAttribute)
	// The pages are decoded as calendar and mail pages are (page.go): the
	// SDK's user models took ~100 ms for a page of 800 users before the
	// first mailbox settings call. Mailbox settings are read as the
	// directory is listed, as many at a time as the app may have requests
	// in flight, with no pause between batches; fn gets the users in the
	// directory's order, each as soon as its settings and those of the
	// users before it are read (a large directory takes minutes to list,
	// and the caller can say how far it has got).
	type listed struct {
		u    ingest.User
		done chan struct{} // closed once u is set
	}
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	g, gctx := errgroup.WithContext(lctx)
	g.SetLimit(cap(s.lim.app))
	queue := make(chan *listed, 1024)
	delivered := make(chan error, 1)
	go func() {
		var ferr error
		for l := range queue {
			<-l.done
			if ferr != nil || l.u.Email == "" {
				continue // fn failed: drain the queue; or no mailbox
			}
			if ferr = fn(l.u); ferr != nil {
				stop() // no more listing or settings
			}
		}
		delivered <- ferr
	}()
	err = eachPage(lctx, s, "list users", ri, next, func(gu *graphUser) (bool, error) {
		su, id, ok := directoryUser(gu, fa, la)
		if !ok {
			return true, nil
		}
		l := &listed{done: make(chan struct{})}
		g.Go(func() error {
			defer close(l.done)
			l.u = s.user(gctx, su, id)
			return gctx.Err()
		})
		queue <- l
		return gctx.Err() == nil, nil
	})
	close(queue)
	werr := g.Wait()
	if ferr := <-delivered; ferr != nil {
		return ferr
	}
	if werr != nil {
		return werr
	}
	return err
}

// directoryUser maps a listed user to a synthetic.User (no mailbox
// settings yet) and its object id; ok is false for the accounts left out:
// disabled, not members (guests), or without an address. fa and la are the
// extension attributes holding function and level (0: none).
func directoryUser(u *graphUser, fa, la int) (su synthetic.User, id string, ok bool) {
	if u.AccountEnabled != nil && !*u.AccountEnabled {
		return su, "", false
	}
	if u.UserType != nil && !strings.EqualFold(*u.UserType, "Member") {
		return su, "", false
	}
	email := address(u.Mail, u.UserPrincipalName)
	if email == "" {
		return su, "", false
	}
	su = synthetic.User{Email: email, Department: u.Department}
	if m := u.Manager; m != nil && m.ODataType == "#microsoft.graph.user" {
		su.ManagerEmail = address(m.Mail, m.UserPrincipalName)
	}
	if fa > 0 {
		su.Function = u.OnPremisesExtensionAttributes.get(fa)
	}
	if la > 0 {
		su.Level = u.OnPremisesExtensionAttributes.get(la)
	}
	return su, u.ID, true
}

// address returns a user's canonical address: mail, else the user
// principal name.
func address(mail, upn string) string {
	if mail != "" {
		return ingest.CanonicalEmail(mail)
	}
	if strings.Contains(upn, "@") {
		return ingest.CanonicalEmail(upn)
	}
	return ""
}

// user maps a directory user, with their mailbox settings, to an
// ingest.User. An account without a mailbox (Graph answers 404: unlicensed,
// service and disabled-mailbox accounts) has no calendar or mail and is
// left out: the zero ingest.User. A mailbox whose settings cannot be read
// otherwise (access denied) gets the defaults: its calendar and mail
// calls will tell.
func (s *Source) user(ctx context.Context, su synthetic.User, id string) ingest.User {
	email := su.Email
	if id != "" {
		s.ids.Store(email, id)
	}
	ms, err := s.users().ByUserId(s.userID(email)).MailboxSettings().Get(ctx, nil)
	var oe *odataerrors.ODataError
	switch {
	case ctx.Err() != nil:
		return ingest.User{} // the listing stopped: Users says why
	case errors.As(err, &oe) && oe.ResponseStatusCode == http.StatusNotFound:
		s.log.Info("no mailbox; left out", ingest.LogKeyPerson, s.ps.PersonID(email), ingest.LogKeyError, describe(err).Error())
		return ingest.User{}
	case err != nil:
		s.log.Warn("mailbox settings not read; defaults apply", ingest.LogKeyPerson, s.ps.PersonID(email),
			ingest.LogKeyError, describe(err).Error())
	default:
		applySettings(&su, ms)
	}
	p := synthetic.PersonFromUser(s.ps, su, "")
	p.IsInternal = s.domains[p.Domain]
	p.Source = SourceName
	return ingest.User{Email: email, Person: p}
}

// applySettings copies a mailbox's time zone and working hours.
func applySettings(su *synthetic.User, ms models.MailboxSettingsable) {
	su.TimeZone = ianaZone(deref(ms.GetTimeZone()))
	wh := ms.GetWorkingHours()
	if wh == nil {
		return
	}
	if tz := wh.GetTimeZone(); tz != nil && deref(tz.GetName()) != "" {
		su.TimeZone = ianaZone(deref(tz.GetName()))
	}
	if t := wh.GetStartTime(); t != nil {
		su.WorkStart = t.String()[:5]
	}
	if t := wh.GetEndTime(); t != nil {
		su.WorkEnd = t.String()[:5]
	}
	for _, d := range wh.GetDaysOfWeek() {
		if wd, ok := weekdays[d.String()]; ok {
			su.WorkDays = append(su.WorkDays, wd)
		}
	}
	// Week order from Monday, as the people row lists them.
	order := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	for i := 1; i < len(su.WorkDays); i++ {
		for j := i; j > 0 && order(su.WorkDays[j]) < order(su.WorkDays[j-1]); j-- {
			su.WorkDays[j], su.WorkDays[j-1] = su.WorkDays[j-1], su.WorkDays[j]
		}
	}
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}
