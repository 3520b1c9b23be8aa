package mbox_test

import (
	"bytes"
	"testing"

	"github.com/overload-engine/overload/ingest/mbox"
)

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"Thu, 22 Aug 2002 18:26:25 +0700", "Mon, 19 Aug 2002 21:46:46 EDT", "02 Aug 01 3:11:43 AM",
		"2002/09/14 Sat 02:29:32 CDT", "Fri, 16 Aug 02 09:38:37 Eastern Daylight Time",
		"Thu Aug 22 12:36:23 2002", "Sun, 25 Aug 2002 19:21:44 01800", "22-Aug-2002 (x(y)) 1:2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := mbox.ParseDate(s)
		if err == nil && d.IsZero() {
			t.Errorf("ParseDate(%q) = zero time without an error", s)
		}
	})
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("From a@x Thu Aug 22 12:36:23 2002\nFrom: a@example.com\nTo: b@example.com,\n c@example.com\nDate: Thu, 22 Aug 2002 18:26:25 +0700\nMessage-ID: <m@x>\n\nbody\n"))
	f.Add([]byte("From: =?utf-8?q?J=C3=B6rg?= <j@x>\r\nDate: 1 Jan 2020 00:00 GMT\r\nContent-Type: multipart/report; report-type=delivery-status\r\n\r\n"))
	f.Add([]byte("From x\n\nFrom y\nDate:\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		skipped, err := mbox.Read(bytes.NewReader(b), "fuzz", func(h mbox.Header) error {
			n++
			if h.Date.IsZero() {
				t.Errorf("header %d has a zero date", h.Index)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		_ = skipped
	})
}
