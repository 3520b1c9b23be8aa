package msgraph

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// Calendar and mail pages are most of an ingest's requests and nearly all
// of its bytes. They are sent as every other request is, through the SDK's
// request builders and request adapter (middleware, retries, the limiter,
// Graph's error model for answers that are not 2xx), but their bodies are
// decoded with json v2 straight into the few properties the connector
// selects instead of into the SDK's models: building a model makes a map
// of a closure per property of its type (an event's has 60), for every
// event, attendee, recipient and address, and that with kiota's
// parse-node tree was nearly two-thirds of an ingest's CPU time. The
// decoding reads what the SDK's models read (TestPages_matchSDK reads the
// same pages both ways): member names matched exactly, unknown members
// ignored, null as absent. It is stricter where Graph never goes: a page
// with duplicate member names, invalid UTF-8 or a value of the wrong kind
// (a string where an object belongs, which the models read as an empty
// object) fails with an error that says where.

// pageErrors maps every error status to Graph's error body, as the SDK's
// request builders do.
var pageErrors = abs.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// A page is a Graph collection response.
type page[T any] struct {
	Value    []item[T] `json:"value"`
	NextLink string    `json:"@odata.nextLink"`
}

// An item is an element of a page's value. Before each one is decoded the
// goroutine gives way (runtime.Gosched): a page takes milliseconds to
// decode, and on a small machine the goroutines whose answers have
// arrived, or whose requests could go out, would otherwise wait for it to
// end, holding their share of the app's requests in flight while Graph
// has nothing to do. At 20 ms of latency on 2 cores this raised the share
// of the limit used by 5-7 points (bench ingest, alternating runs).
type item[T any] struct{ v T }

func (it *item[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	runtime.Gosched()
	return json.UnmarshalDecode(dec, &it.v)
}

// eachPage sends ri, then a request built by next for every
// @odata.nextLink, and calls fn for every item of every page, a page at a
// time, until fn returns false or an error, which eachPage returns as it
// is. Its own errors start with "msgraph: what:".
func eachPage[T any](ctx context.Context, s *Source, what string, ri *abs.RequestInformation, next func(link string) (*abs.RequestInformation, error), fn func(*T) (bool, error)) error {
	for {
		res, err := s.ad.SendPrimitive(ctx, ri, "[]byte", pageErrors)
		if err != nil {
			return fmt.Errorf("msgraph: %s: %w", what, describe(err))
		}
		body, _ := res.([]byte) // nil: no content
		p, err := decodePage[T](body)
		if err != nil {
			return fmt.Errorf("msgraph: %s: %w", what, err)
		}
		for i := range p.Value {
			more, err := fn(&p.Value[i].v)
			if err != nil || !more {
				return err
			}
		}
		if p.NextLink == "" || p.Value == nil { // the SDK's page iterator stops on a page without value too
			return nil
		}
		if ri, err = next(p.NextLink); err != nil {
			return fmt.Errorf("msgraph: %s: next page: %w", what, err)
		}
	}
}

// decodePage decodes a page's body (none: an empty page). Its errors say
// where the JSON went wrong and how, never with the value itself (it could
// be an address).
func decodePage[T any](body []byte) (page[T], error) {
	var p page[T]
	if len(body) == 0 {
		return p, nil
	}
	err := json.Unmarshal(body, &p)
	var se *json.SemanticError
	var sy *jsontext.SyntacticError
	switch {
	case err == nil:
		return p, nil
	case errors.As(err, &se):
		return p, fmt.Errorf("page unreadable: unexpected JSON %s at %q", se.JSONKind, se.JSONPointer)
	case errors.As(err, &sy):
		return p, fmt.Errorf("page unreadable: invalid JSON at byte %d (%v)", sy.ByteOffset, sy.Err)
	}
	return p, fmt.Errorf("page unreadable: %w", err)
}

// A graphRecipient is a recipient (or an event's organizer): only its
// address is read.
type graphRecipient struct {
	EmailAddress *struct {
		Address string `json:"address"`
	} `json:"emailAddress"`
}

// address returns r's address, "" if none.
func (r *graphRecipient) address() string {
	if r == nil || r.EmailAddress == nil {
		return ""
	}
	return r.EmailAddress.Address
}

// A graphDateTime is a dateTimeTimeZone.
type graphDateTime struct {
	DateTime *string `json:"dateTime"`
	TimeZone string  `json:"timeZone"`
}

// A graphResponseStatus is a responseStatus.
type graphResponseStatus struct {
	Response string `json:"response"`
}

// A graphEvent is the part of an event that eventSelect asks for.
type graphEvent struct {
	ID              string               `json:"id"`
	ICalUID         string               `json:"iCalUId"`
	OriginalStart   string               `json:"originalStart"`
	Start           *graphDateTime       `json:"start"`
	End             *graphDateTime       `json:"end"`
	IsAllDay        bool                 `json:"isAllDay"`
	IsCancelled     bool                 `json:"isCancelled"`
	ShowAs          string               `json:"showAs"`
	SeriesMasterID  string               `json:"seriesMasterId"`
	Organizer       *graphRecipient      `json:"organizer"`
	Attendees       []*graphAttendee     `json:"attendees"`
	ResponseStatus  *graphResponseStatus `json:"responseStatus"`
	IsOnlineMeeting bool                 `json:"isOnlineMeeting"`
	CreatedDateTime string               `json:"createdDateTime"`
}

// A graphAttendee is an event's attendee.
type graphAttendee struct {
	graphRecipient
	Type   string               `json:"type"`
	Status *graphResponseStatus `json:"status"`
}

// A graphMessage is the part of a message that messageSelect asks for.
type graphMessage struct {
	InternetMessageID      string            `json:"internetMessageId"`
	SentDateTime           string            `json:"sentDateTime"`
	From                   *graphRecipient   `json:"from"`
	Sender                 *graphRecipient   `json:"sender"`
	ToRecipients           []*graphRecipient `json:"toRecipients"`
	CcRecipients           []*graphRecipient `json:"ccRecipients"`
	BccRecipients          []*graphRecipient `json:"bccRecipients"`
	InternetMessageHeaders []*struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"internetMessageHeaders"`
}

// A graphUser is the part of a directory user that userSelect and the
// manager expansion ask for.
type graphUser struct {
	ID                            string                    `json:"id"`
	Mail                          string                    `json:"mail"`
	UserPrincipalName             string                    `json:"userPrincipalName"`
	Department                    string                    `json:"department"`
	AccountEnabled                *bool                     `json:"accountEnabled"`
	UserType                      *string                   `json:"userType"`
	OnPremisesExtensionAttributes *graphExtensionAttributes `json:"onPremisesExtensionAttributes"`
	Manager                       *graphManager             `json:"manager"`
}

// A graphManager is an expanded manager: a directoryObject, a user when
// its @odata.type says so.
type graphManager struct {
	ODataType         string `json:"@odata.type"`
	Mail              string `json:"mail"`
	UserPrincipalName string `json:"userPrincipalName"`
}

// graphExtensionAttributes are onPremisesExtensionAttributes.
type graphExtensionAttributes struct {
	A1  string `json:"extensionAttribute1"`
	A2  string `json:"extensionAttribute2"`
	A3  string `json:"extensionAttribute3"`
	A4  string `json:"extensionAttribute4"`
	A5  string `json:"extensionAttribute5"`
	A6  string `json:"extensionAttribute6"`
	A7  string `json:"extensionAttribute7"`
	A8  string `json:"extensionAttribute8"`
	A9  string `json:"extensionAttribute9"`
	A10 string `json:"extensionAttribute10"`
	A11 string `json:"extensionAttribute11"`
	A12 string `json:"extensionAttribute12"`
	A13 string `json:"extensionAttribute13"`
	A14 string `json:"extensionAttribute14"`
	A15 string `json:"extensionAttribute15"`
}

// get returns extensionAttributeN, "" for none.
func (a *graphExtensionAttributes) get(n int) string {
	if a == nil || n < 1 || n > 15 {
		return ""
	}
	return [...]string{a.A1, a.A2, a.A3, a.A4, a.A5, a.A6, a.A7, a.A8, a.A9, a.A10, a.A11, a.A12, a.A13, a.A14, a.A15}[n-1]
}

// graphInstant parses an Edm.DateTimeOffset as kiota does: RFC 3339, and
// a value without an offset (19 characters) in the machine's zone.
func graphInstant(v string) (time.Time, error) {
	if len(v) == 19 {
		v += time.Now().Format("-07:00")
	}
	return time.Parse(time.RFC3339, v)
}
