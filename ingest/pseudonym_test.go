package ingest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/overload-engine/overload/ingest"
)

var testKey = []byte("0123456789abcdef-test-key")

func newP(t testing.TB, key []byte) *ingest.Pseudonymizer {
	t.Helper()
	p, err := ingest.NewPseudonymizer(key)
	if err != nil {
		t.Fatalf("NewPseudonymizer: %v", err)
	}
	return p
}

func TestNewPseudonymizer(t *testing.T) {
	for _, n := range []int{0, 1, 15} {
		if _, err := ingest.NewPseudonymizer(make([]byte, n)); err == nil {
			t.Errorf("NewPseudonymizer(%d bytes) = nil error, want error", n)
		}
	}
	if _, err := ingest.NewPseudonymizer(make([]byte, 16)); err != nil {
		t.Errorf("NewPseudonymizer(16 bytes) = %v, want nil", err)
	}
}

func TestPersonID(t *testing.T) {
	p := newP(t, testKey)
	mac := hmac.New(sha256.New, testKey)
	mac.Write([]byte("ann@example.com"))
	want := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(mac.Sum(nil)[:10]))

	tests := []struct {
		name, email string
	}{
		{"canonical", "ann@example.com"},
		{"upper case", "Ann@Example.COM"},
		{"blanks", "  ann@example.com\t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.PersonID(tt.email)
			if got != want {
				t.Errorf("PersonID(%q) = %q, want %q", tt.email, got, want)
			}
			if len(got) != 16 || strings.ToLower(got) != got {
				t.Errorf("PersonID(%q) = %q, want 16 lowercase characters", tt.email, got)
			}
		})
	}
	if a, b := p.PersonID("ann@example.com"), p.PersonID("bob@example.com"); a == b {
		t.Errorf("PersonID gives %q for two different addresses", a)
	}
}

func TestPersonID_keys(t *testing.T) {
	p1 := newP(t, testKey)
	p2 := newP(t, []byte("another-key-of-16-bytes"))
	if a, b := p1.PersonID("ann@example.com"), p2.PersonID("ann@example.com"); a == b {
		t.Errorf("two keys give the same PersonID %q", a)
	}
}

func TestPersonID_concurrent(t *testing.T) {
	p := newP(t, testKey)
	want := p.PersonID("ann@example.com")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if got := p.PersonID("ann@example.com"); got != want {
					t.Errorf("PersonID = %q, want %q", got, want)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestEventID(t *testing.T) {
	p := newP(t, testKey)
	utc := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	berlin := utc.In(time.FixedZone("CET", 3600))
	if a, b := p.EventID("abc@google.com", utc), p.EventID("abc@google.com", berlin); a != b {
		t.Errorf("EventID differs by rendering offset: %q vs %q", a, b)
	}
	if a, b := p.EventID("abc@google.com", utc), p.EventID("abc@google.com", utc.Add(time.Hour)); a == b {
		t.Errorf("EventID same for two instances: %q", a)
	}
	if a, b := p.EventID("abc@google.com", utc), p.SeriesID("abc@google.com"); a == b {
		t.Errorf("EventID and SeriesID collide: %q", a)
	}
	if a, b := p.MessageID("<x.1@mail.example.com>"), p.MessageID(" x.1@mail.example.com "); a != b {
		t.Errorf("MessageID(<x>) = %q, MessageID(x) = %q, want equal", a, b)
	}
	if a, b := p.MessageID("abc@google.com"), p.SeriesID("abc@google.com"); a == b {
		t.Errorf("MessageID and SeriesID collide: %q", a)
	}
}

func TestCanonicalEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ann@example.com", "ann@example.com"},
		{" Ann.Smith@Example.COM\n", "ann.smith@example.com"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ingest.CanonicalEmail(tt.in); got != tt.want {
			t.Errorf("CanonicalEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ann@example.com", "example.com"},
		{"Bob@Partner.IO ", "partner.io"},
		{"weird@name@host.org", "host.org"},
		{"no-at-sign", ""},
	}
	for _, tt := range tests {
		if got := ingest.Domain(tt.in); got != tt.want {
			t.Errorf("Domain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
