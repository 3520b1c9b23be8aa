package msgraph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
		return p, fmt.Errorf("page unreadable: unexpected JSON %s at %q", kindName(se.JSONKind), se.JSONPointer)
	case errors.As(err, &sy):
		return p, fmt.Errorf("page unreadable: invalid JSON at byte %d (%v)", sy.ByteOffset, sy.Err)
	}
	return p, fmt.Errorf("page unreadable: %w", err)
}

// kindName names a JSON kind as a reader would: object, not '{'.
func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case 0:
		return "value"
	}
	return k.String()
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

// response returns r's response, "" if none.
func (r *graphResponseStatus) response() string {
	if r == nil {
		return ""
	}
	return r.Response
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
	Attendees       graphAttendees       `json:"attendees"`
	ResponseStatus  *graphResponseStatus `json:"responseStatus"`
	IsOnlineMeeting bool                 `json:"isOnlineMeeting"`
	CreatedDateTime string               `json:"createdDateTime"`
}

// graphAttendees are an event's attendees. They are most of a calendar's
// bytes (an all-hands lists everyone invited, in every invitee's copy), so
// they are read token by token into the three properties the connector
// uses rather than through json's struct decoding (a map lookup per
// member name, an allocation per object and per string). A week's 615 KB
// page of a 3,200-person organisation took 4.4-4.7 ms to decode and map
// that way, 3.0-3.5 ms this way (BenchmarkDecodePage_allHands; reading
// its tokens alone takes ~1.3 ms). What is read is what the struct
// decoding read: member names matched exactly (after unescaping), unknown
// members skipped, null as absent; a value of the wrong kind fails the
// page, saying where.
type graphAttendees []graphAttendee

// A graphAttendee is an event's attendee.
type graphAttendee struct {
	Address  string // emailAddress.address, "" if absent
	Resource bool   // type is "resource"
	Response string // status.response as one of the constants Graph sends, "" for any other
}

func (as *graphAttendees) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var list graphAttendees
	err := eachObject(dec, func() error {
		var a graphAttendee
		err := a.members(dec)
		list = append(list, a)
		return err
	})
	*as = list
	return err
}

// members reads an attendee object's members up to its '}'.
func (a *graphAttendee) members(dec *jsontext.Decoder) error {
	for {
		name, ok, err := nextName(dec)
		if err != nil || !ok {
			return err
		}
		var v []byte
		switch string(name) {
		case "emailAddress":
			a.Address, err = member(dec, "address", bytesString)
		case "type":
			v, err = stringValue(dec)
			a.Resource = string(v) == "resource"
		case "status":
			a.Response, err = member(dec, "response", responseName)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
}

// responseName returns a responseType's name as a constant (no copy of
// the bytes), "" for a name Graph does not send.
func responseName(v []byte) string {
	switch string(v) {
	case "none":
		return "none"
	case "organizer":
		return "organizer"
	case "tentativelyAccepted":
		return "tentativelyAccepted"
	case "accepted":
		return "accepted"
	case "declined":
		return "declined"
	case "notResponded":
		return "notResponded"
	}
	return ""
}

// eachObject reads an array of objects (or null, as none) and calls fn
// after each object's '{' to read its members and its '}'. Null elements
// are skipped.
func eachObject(dec *jsontext.Decoder, fn func() error) error {
	ok, err := begin(dec, '[')
	if !ok || err != nil {
		return err
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		ok, err := begin(dec, '{')
		if se, _ := err.(*json.SemanticError); se != nil {
			// The element's own place, not the array's or the previous
			// element's.
			if i > 0 {
				se.JSONPointer = se.JSONPointer.Parent()
			}
			se.JSONPointer = se.JSONPointer.AppendToken(strconv.Itoa(i))
		}
		if err != nil {
			return err
		}
		if ok {
			if err := fn(); err != nil {
				return err
			}
		}
	}
	_, err = dec.ReadToken()
	return err
}

// begin reads the start of a value that must be null or begin with delim
// ('{' or '['), and reports whether it is not null.
func begin(dec *jsontext.Decoder, delim jsontext.Kind) (bool, error) {
	switch k := dec.PeekKind(); k {
	case 'n', delim:
		_, err := dec.ReadToken()
		return k == delim && err == nil, err
	case 0: // the reading's own error
		_, err := dec.ReadToken()
		return false, err
	default:
		return false, unexpected(dec, k)
	}
}

// member reads an object value (or null) and returns its string member
// want as conv makes it a string ("" if absent or null), skipping the
// other members.
func member(dec *jsontext.Decoder, want string, conv func([]byte) string) (string, error) {
	ok, err := begin(dec, '{')
	if !ok || err != nil {
		return "", err
	}
	var got string
	for {
		name, ok, err := nextName(dec)
		if err != nil || !ok {
			return got, err
		}
		if string(name) != want {
			err = dec.SkipValue()
		} else {
			var v []byte
			v, err = stringValue(dec)
			got = conv(v)
		}
		if err != nil {
			return "", err
		}
	}
}

// bytesString is string(b).
func bytesString(b []byte) string { return string(b) }

// nextName reads the next member name of an object, unescaped (the
// bytes are valid until the decoder's next read), or the object's '}'
// (ok false).
func nextName(dec *jsontext.Decoder) (name []byte, ok bool, err error) {
	if dec.PeekKind() == '}' {
		_, err := dec.ReadToken()
		return nil, false, err
	}
	v, err := dec.ReadValue()
	if err != nil {
		return nil, false, err
	}
	name, err = unquote(v)
	return name, err == nil, err
}

// stringValue reads a string or null (as "") value, unescaped; the bytes
// are valid until the decoder's next read.
func stringValue(dec *jsontext.Decoder) ([]byte, error) {
	switch k := dec.PeekKind(); k {
	case '"':
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		return unquote(v)
	case 'n', 0:
		_, err := dec.ReadToken()
		return nil, err
	default:
		return nil, unexpected(dec, k)
	}
}

// unquote returns a JSON string's contents: a slice of v when it has no
// escapes, else a copy unescaped.
func unquote(v jsontext.Value) ([]byte, error) {
	if bytes.IndexByte(v, '\\') < 0 {
		return v[1 : len(v)-1], nil
	}
	return jsontext.AppendUnquote(nil, v)
}

// unexpected is the error for a value of kind k where another kind
// belongs, at the member just read, as json's own errors say it.
func unexpected(dec *jsontext.Decoder, k jsontext.Kind) error {
	return &json.SemanticError{JSONKind: k, JSONPointer: dec.StackPointer()}
}

// A graphMessage is the part of a message that messageSelect asks for.
type graphMessage struct {
	InternetMessageID      string          `json:"internetMessageId"`
	SentDateTime           string          `json:"sentDateTime"`
	From                   *graphRecipient `json:"from"`
	Sender                 *graphRecipient `json:"sender"`
	ToRecipients           graphRecipients `json:"toRecipients"`
	CcRecipients           graphRecipients `json:"ccRecipients"`
	BccRecipients          graphRecipients `json:"bccRecipients"`
	InternetMessageHeaders graphHeaders    `json:"internetMessageHeaders"`
}

// graphRecipients are a message's recipient list: the addresses that are
// not empty, in order (nil for none). Recipients and headers are most of
// a message page's bytes and are read token by token, as attendees are
// (see graphAttendees): a 100-message inbox page decodes and maps in
// ~0.51 ms instead of 0.71-0.73 ms, with 1.3k allocations instead of
// 4.1k (BenchmarkDecodePage_messages).
type graphRecipients []string

func (rs *graphRecipients) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var list graphRecipients
	err := eachObject(dec, func() error {
		for {
			name, ok, err := nextName(dec)
			if err != nil || !ok {
				return err
			}
			if string(name) != "emailAddress" {
				if err := dec.SkipValue(); err != nil {
					return err
				}
				continue
			}
			a, err := member(dec, "address", bytesString)
			if err != nil {
				return err
			}
			if a != "" {
				list = append(list, a)
			}
		}
	})
	*rs = list
	return err
}

// graphHeaders are the three of a message's internetMessageHeaders the
// connector reads, by name without regard to case (the last of a name
// wins); the values of the others are never copied.
type graphHeaders struct {
	InReplyTo, AutoSubmitted, Precedence string
}

func (h *graphHeaders) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*h = graphHeaders{}
	return eachObject(dec, func() error {
		var (
			dst   *string // the header this element is, once its name is read
			named bool
			value string
		)
		for {
			name, ok, err := nextName(dec)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			var v []byte
			switch string(name) {
			case "name":
				if v, err = stringValue(dec); err == nil {
					dst, named = h.field(v), true
				}
			case "value":
				if v, err = stringValue(dec); err == nil && (dst != nil || !named) {
					value = string(v)
				}
			default:
				err = dec.SkipValue()
			}
			if err != nil {
				return err
			}
		}
		if dst != nil {
			*dst = value
		}
		return nil
	})
}

// field returns h's field for the header named name (as strings.ToLower
// compares it), nil for a header the connector does not read.
func (h *graphHeaders) field(name []byte) *string {
	for _, c := range name {
		if c >= utf8.RuneSelf { // rare: lowered as strings.ToLower does
			name = []byte(strings.ToLower(string(name)))
			break
		}
	}
	switch {
	case asciiLower(name, "in-reply-to"):
		return &h.InReplyTo
	case asciiLower(name, "auto-submitted"):
		return &h.AutoSubmitted
	case asciiLower(name, "precedence"):
		return &h.Precedence
	}
	return nil
}

// asciiLower reports whether s with A-Z lowered is target.
func asciiLower(s []byte, target string) bool {
	if len(s) != len(target) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != target[i] {
			return false
		}
	}
	return true
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
