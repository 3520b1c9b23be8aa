package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
	"time"
)

// MinKeyLen is the shortest organisation key NewPseudonymizer accepts, in bytes.
const MinKeyLen = 16

// tokenBytes is how many bytes of the HMAC a token keeps: 80 bits, rendered
// as 16 base32 characters.
const tokenBytes = 10

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// A Pseudonymizer derives stable, keyed pseudonyms for people, events and
// messages. The same key and input always give the same token; without the
// key a token cannot be linked back to its input. A Pseudonymizer is safe for
// concurrent use.
type Pseudonymizer struct {
	key  []byte
	macs sync.Pool // of hash.Hash: keyed HMAC-SHA256 states, reused to avoid rekeying
}

// NewPseudonymizer returns a Pseudonymizer keyed by key, the organisation's
// secret. It returns an error if key is shorter than MinKeyLen bytes. The key
// is copied.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("new pseudonymizer: key has %d bytes, want at least %d", len(key), MinKeyLen)
	}
	p := &Pseudonymizer{key: append([]byte(nil), key...)}
	p.macs.New = func() any { return hmac.New(sha256.New, p.key) }
	return p, nil
}

// PersonID returns the person id of an email address (SPEC §1):
// HMAC-SHA256(key, CanonicalEmail(email)), its first 10 bytes rendered as 16
// lowercase base32 characters without padding.
func (p *Pseudonymizer) PersonID(email string) string {
	return p.token("", CanonicalEmail(email))
}

// EventID returns the id of one event instance, stable across the calendars
// it appears on: a keyed token of the event's iCalUID and the original start
// of the instance (for a single event, its start; for an all-day event, its
// start date at 00:00 UTC). The instant is compared in UTC, so the offset a
// provider renders it in does not matter.
func (p *Pseudonymizer) EventID(iCalUID string, originalStart time.Time) string {
	return p.token("event\x00", iCalUID+"\x00"+originalStart.UTC().Format(time.RFC3339Nano))
}

// SeriesID returns the id of a recurring series: a keyed token of the
// iCalUID its instances share.
func (p *Pseudonymizer) SeriesID(iCalUID string) string {
	return p.token("series\x00", iCalUID)
}

// MessageID returns the id of a message: a keyed token of its Internet
// Message-ID with surrounding blanks and angle brackets removed, so
// "<a@b>" and "a@b" give the same id.
func (p *Pseudonymizer) MessageID(internetMessageID string) string {
	s := strings.TrimSpace(internetMessageID)
	s = strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
	return p.token("message\x00", s)
}

// token returns the rendered HMAC of prefix+s. Person ids use no prefix, so
// they are exactly HMAC-SHA256(key, canonical email); the other kinds are
// domain-separated by theirs.
func (p *Pseudonymizer) token(prefix, s string) string {
	mac := p.macs.Get().(hash.Hash)
	mac.Reset()
	io.WriteString(mac, prefix)
	io.WriteString(mac, s)
	var buf [sha256.Size]byte
	sum := mac.Sum(buf[:0])
	p.macs.Put(mac)
	var out [26]byte // base32 of tokenBytes bytes is 16 characters
	n := tokenEncoding.EncodedLen(tokenBytes)
	tokenEncoding.Encode(out[:n], sum[:tokenBytes])
	for i, c := range out[:n] {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return string(out[:n])
}

// CanonicalEmail returns s trimmed of surrounding white space and lowercased:
// the form person ids are computed from.
func CanonicalEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Domain returns the domain of an email address (the part after the last
// "@"), canonicalized; "" if there is none.
func Domain(email string) string {
	e := CanonicalEmail(email)
	i := strings.LastIndexByte(e, '@')
	if i < 0 {
		return ""
	}
	return e[i+1:]
}
