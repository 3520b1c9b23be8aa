package msgraph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
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
	resp, err := s.users().Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		QueryParameters: &users.UsersRequestBuilderGetQueryParameters{
			Select: userSelect,
			Expand: []string{"manager($select=id,mail,userPrincipalName)"},
			Top:    &top,
		}})
	if err != nil {
		return fmt.Errorf("msgraph: list users: %w", describe(err))
	}
	it, err := msgraphcore.NewPageIterator[models.Userable](resp, s.ad, models.CreateUserCollectionResponseFromDiscriminatorValue)
	if err != nil {
		return fmt.Errorf("msgraph: list users: %w", err)
	}
	// Mailbox settings are read as the directory is listed, as many at a
	// time as the app may have requests in flight, with no pause between
	// batches; fn gets the users in the directory's order at the end.
	var listed []*ingest.User
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cap(s.lim.app))
	err = it.Iterate(ctx, func(u models.Userable) bool {
		if enabled := u.GetAccountEnabled(); enabled != nil && !*enabled {
			return true
		}
		if t := u.GetUserType(); t != nil && !strings.EqualFold(*t, "Member") {
			return true
		}
		if address(u) == "" {
			return true
		}
		out := new(ingest.User)
		listed = append(listed, out)
		g.Go(func() error {
			*out = s.user(gctx, u)
			return gctx.Err()
		})
		return gctx.Err() == nil
	})
	if werr := g.Wait(); werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("msgraph: list users: %w", describe(err))
	}
	for _, u := range listed {
		if u.Email == "" {
			continue // no mailbox
		}
		if err := fn(*u); err != nil {
			return err
		}
	}
	return nil
}

// address returns a user's canonical address: mail, else the user
// principal name.
func address(u models.Userable) string {
	if m := u.GetMail(); m != nil && *m != "" {
		return ingest.CanonicalEmail(*m)
	}
	if m := u.GetUserPrincipalName(); m != nil && strings.Contains(*m, "@") {
		return ingest.CanonicalEmail(*m)
	}
	return ""
}

// extensionAttribute returns onPremisesExtensionAttributes.extensionAttributeN.
func extensionAttribute(a models.OnPremisesExtensionAttributesable, n int) string {
	if a == nil {
		return ""
	}
	getters := []func() *string{nil,
		a.GetExtensionAttribute1, a.GetExtensionAttribute2, a.GetExtensionAttribute3, a.GetExtensionAttribute4,
		a.GetExtensionAttribute5, a.GetExtensionAttribute6, a.GetExtensionAttribute7, a.GetExtensionAttribute8,
		a.GetExtensionAttribute9, a.GetExtensionAttribute10, a.GetExtensionAttribute11, a.GetExtensionAttribute12,
		a.GetExtensionAttribute13, a.GetExtensionAttribute14, a.GetExtensionAttribute15}
	if n < 1 || n >= len(getters) {
		return ""
	}
	return deref(getters[n]())
}

// user maps a directory user, with their mailbox settings, to an
// ingest.User. An account without a mailbox (Graph answers 404: unlicensed,
// service and disabled-mailbox accounts) has no calendar or mail and is
// left out: the zero ingest.User. A mailbox whose settings cannot be read
// otherwise (access denied) gets the defaults: its calendar and mail
// calls will tell.
func (s *Source) user(ctx context.Context, u models.Userable) ingest.User {
	email := address(u)
	if id := u.GetId(); id != nil {
		s.ids.Store(email, *id)
	}
	su := synthetic.User{Email: email, Department: deref(u.GetDepartment())}
	if m, ok := u.GetManager().(models.Userable); ok && m != nil {
		su.ManagerEmail = address(m)
	}
	ext := u.GetOnPremisesExtensionAttributes()
	if n := orInt(s.cfg.FunctionAttribute, DefaultFunctionAttribute); n > 0 {
		su.Function = extensionAttribute(ext, n)
	}
	if n := orInt(s.cfg.LevelAttribute, DefaultLevelAttribute); n > 0 {
		su.Level = extensionAttribute(ext, n)
	}
	ms, err := s.users().ByUserId(s.userID(email)).MailboxSettings().Get(ctx, nil)
	var oe *odataerrors.ODataError
	switch {
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
