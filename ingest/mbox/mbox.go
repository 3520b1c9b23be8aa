package mbox

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// Source is the value of messages.source for rows from this package.
const Source = "mbox"

// maxHeaderBytes bounds the header block of one message: a block longer
// than this is cut and the rest of the message skipped.
const maxHeaderBytes = 1 << 20

// A Header holds the metadata of one message: the headers analysis needs,
// decoded. Subjects and bodies are never read into it.
type Header struct {
	Index int // 0-based position of the message in the file
	Line  int // 1-based line of the message's first line

	From          string   // canonical sender address; "" if absent
	To, Cc, Bcc   []string // canonical addresses, as listed
	Date          time.Time
	MessageID     string // without angle brackets; "" if absent
	InReplyTo     string
	AutoSubmitted string
	Precedence    string
	// Report is true for delivery and disposition reports
	// (Content-Type multipart/report) and meeting responses
	// (text/calendar; method=REPLY).
	Report bool
}

// A MessageError reports a message that was skipped, with its position.
type MessageError struct {
	File  string
	Index int // 0-based position of the message in the file
	Line  int // 1-based line where the message starts
	Err   error
}

func (e *MessageError) Error() string {
	return fmt.Sprintf("%s:%d: message %d: %v", e.File, e.Line, e.Index+1, e.Err)
}

func (e *MessageError) Unwrap() error { return e.Err }

// kept lists the headers read; every other header, Subject included, is
// dropped as soon as its name is seen.
var kept = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "bcc": true, "date": true,
	"message-id": true, "in-reply-to": true, "auto-submitted": true, "precedence": true,
	"content-type": true, "x-autoreply": true, "x-autorespond": true,
}

// Read reads an mbox file (mboxo/mboxrd: messages separated by "From "
// lines) or a single RFC 5322 message (.eml) from r and calls fn with the
// header of each message in order. name labels errors. A message whose
// Date is missing or malformed is skipped and reported in the returned
// slice of *MessageError; only an I/O error or an error from fn stops
// Read.
func Read(r io.Reader, name string, fn func(Header) error) (skipped []error, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		lineNo   int
		index    = -1
		inHeader bool
		single   bool
		prevBlnk = true
		block    []rawHeader
		size     int
		start    int
	)
	flush := func() error {
		if index < 0 {
			return nil
		}
		h, err := decode(block)
		h.Index, h.Line = index, start
		block, size = block[:0], 0
		if err != nil {
			skipped = append(skipped, &MessageError{File: name, Index: index, Line: start, Err: err})
			return nil
		}
		return fn(h)
	}
	for {
		line, rerr := readLine(br)
		if rerr != nil && rerr != io.EOF {
			return skipped, fmt.Errorf("read %s: line %d: %w", name, lineNo+1, rerr)
		}
		if rerr == io.EOF && line == nil {
			break
		}
		lineNo++
		isSep := !single && bytes.HasPrefix(line, []byte("From ")) && (prevBlnk || envelope(line))
		if lineNo == 1 && !isSep {
			// A single message (.eml) without an mbox envelope line.
			index, start, inHeader, single = 0, 1, true, true
		}
		switch {
		case isSep && (lineNo == 1 || !inHeader):
			if err := flush(); err != nil {
				return skipped, err
			}
			index++
			start, inHeader = lineNo, true
		case inHeader && len(bytes.TrimRight(line, " \t")) == 0:
			inHeader = false
		case inHeader && (line[0] == ' ' || line[0] == '\t'):
			if n := len(block); n > 0 && block[n-1].keep && size < maxHeaderBytes {
				block[n-1].value += " " + string(bytes.TrimSpace(line))
				size += len(line)
			}
		case inHeader:
			k, v, ok := bytes.Cut(line, []byte(":"))
			name := strings.ToLower(string(bytes.TrimSpace(k)))
			keep := ok && kept[name] && size < maxHeaderBytes
			rh := rawHeader{name: name, keep: keep}
			if keep {
				rh.value = string(bytes.TrimSpace(v))
				size += len(line)
			}
			block = append(block, rh)
		}
		prevBlnk = len(bytes.TrimRight(line, " \t")) == 0
		if rerr == io.EOF {
			break
		}
	}
	if err := flush(); err != nil {
		return skipped, err
	}
	return skipped, nil
}

// envelope reports whether a "From " line is an mbox envelope line
// ("From sender Thu Aug 22 12:36:23 2002"): writers that forget the blank
// line before it still end it with a ctime date, while body text starting
// with "From " is escaped (">From ") by every mbox writer.
func envelope(line []byte) bool {
	f := strings.Fields(string(line))
	if len(f) < 4 {
		return false
	}
	year := f[len(f)-1]
	return len(year) == 4 && allDigits(year) && strings.Count(f[len(f)-2], ":") == 2
}

// readLine returns the next line without its line ending; very long lines
// are returned whole only up to 64 KiB (the rest is dropped), which is
// plenty for any header.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		out := append([]byte(nil), line...)
		for err == bufio.ErrBufferFull {
			_, err = br.ReadSlice('\n')
		}
		if err == io.EOF {
			err = nil
		}
		return bytes.TrimRight(out, "\r\n"), err
	}
	if err == io.EOF && len(line) == 0 {
		return nil, io.EOF
	}
	return bytes.TrimRight(line, "\r\n"), err
}

type rawHeader struct {
	name, value string
	keep        bool
}

var wordDecoder = mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
	return input, nil // addresses are ASCII; display names are thrown away
}}

// decode turns one header block into a Header.
func decode(block []rawHeader) (Header, error) {
	var h Header
	get := func(name string) string {
		for _, b := range block {
			if b.keep && b.name == name {
				return b.value
			}
		}
		return ""
	}
	var problems []string
	from := get("from")
	if from == "" {
		from = get("sender")
	}
	if from != "" {
		if a, err := addresses(from); err == nil && len(a) > 0 {
			h.From = a[0]
		} else {
			problems = append(problems, fmt.Sprintf("from: %v", errOr(err, "no address")))
		}
	}
	for _, f := range []struct {
		name string
		dst  *[]string
	}{{"to", &h.To}, {"cc", &h.Cc}, {"bcc", &h.Bcc}} {
		for _, b := range block {
			if !b.keep || b.name != f.name || strings.TrimSpace(b.value) == "" {
				continue
			}
			a, err := addresses(b.value)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %v", f.name, err))
			}
			*f.dst = append(*f.dst, a...)
		}
	}
	date := get("date")
	if date == "" {
		return h, errors.New("no Date header")
	}
	t, err := ParseDate(date)
	if err != nil {
		return h, fmt.Errorf("date: %w", err)
	}
	h.Date = t
	h.MessageID = trimID(get("message-id"))
	h.InReplyTo = trimID(get("in-reply-to"))
	h.AutoSubmitted = get("auto-submitted")
	h.Precedence = get("precedence")
	if get("x-autoreply") != "" || get("x-autorespond") != "" {
		if h.AutoSubmitted == "" {
			h.AutoSubmitted = "auto-replied"
		}
	}
	if mt, params, err := mime.ParseMediaType(get("content-type")); err == nil {
		h.Report = mt == "multipart/report" ||
			(mt == "text/calendar" && strings.EqualFold(params["method"], "reply"))
	}
	if h.From == "" && len(problems) > 0 {
		return h, fmt.Errorf("addresses: %s", strings.Join(problems, "; "))
	}
	return h, nil
}

func errOr(err error, s string) any {
	if err != nil {
		return err
	}
	return s
}

// addresses parses an address-list header leniently: RFC 5322 first, then
// comma-separated pieces one by one, keeping those that parse. Display
// names (encoded words included) are decoded by net/mail and dropped.
func addresses(v string) ([]string, error) {
	p := mail.AddressParser{WordDecoder: &wordDecoder}
	if list, err := p.ParseList(v); err == nil {
		out := make([]string, 0, len(list))
		for _, a := range list {
			out = append(out, ingest.CanonicalEmail(a.Address))
		}
		return out, nil
	}
	var out []string
	var firstErr error
	for _, piece := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		if a, err := p.Parse(piece); err == nil {
			out = append(out, ingest.CanonicalEmail(a.Address))
			continue
		}
		// Bare or bracketed address with junk around it.
		if i, j := strings.IndexByte(piece, '<'), strings.LastIndexByte(piece, '>'); i >= 0 && j > i {
			piece = piece[i+1 : j]
		}
		if at := strings.IndexByte(piece, '@'); at > 0 && at < len(piece)-1 && !strings.ContainsAny(piece, " \t\"") {
			out = append(out, ingest.CanonicalEmail(piece))
			continue
		}
		if firstErr == nil {
			// The address itself is not quoted: errors reach logs.
			firstErr = errors.New("unparsable address")
		}
	}
	if len(out) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

func trimID(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return strings.Trim(s, "<>")
}

// IsAuto reports whether h was sent by a machine: Auto-Submitted other
// than "no", Precedence bulk/list/junk/auto_reply (the same rule as every
// other connector, synthetic.IsAuto), or a delivery report or meeting
// response.
func (h Header) IsAuto() bool {
	return h.Report || synthetic.IsAuto(synthetic.MailEntry{AutoSubmitted: h.AutoSubmitted, Precedence: h.Precedence})
}

// Messages maps headers to messages rows, pseudonymized by p, keeping the
// first copy of each Message-ID. A message without a Message-ID gets a
// stable one derived from its sender, date and recipients. Headers without
// a sender are skipped (they are counted in the second result).
func Messages(p *ingest.Pseudonymizer, hs []Header) (rows []dataset.Message, noSender int) {
	seen := make(map[string]bool, len(hs))
	for _, h := range hs {
		if h.From == "" {
			noSender++
			continue
		}
		id := h.MessageID
		if id == "" {
			sum := sha256.Sum256([]byte(h.From + "\x00" + h.Date.UTC().Format(time.RFC3339) + "\x00" + strings.Join(h.To, ",") + "\x00" + strings.Join(h.Cc, ",")))
			id = "missing-" + hex.EncodeToString(sum[:12])
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		m, err := synthetic.MessageFromEntry(p, synthetic.MailEntry{
			MessageID: id, Channel: dataset.ChannelEmail, From: h.From,
			To: h.To, Cc: h.Cc, Bcc: h.Bcc, Date: h.Date, InReplyTo: h.InReplyTo,
			AutoSubmitted: h.AutoSubmitted, Precedence: h.Precedence,
		})
		if err != nil { // cannot happen: addresses are already canonical
			noSender++
			continue
		}
		m.IsAuto = m.IsAuto || h.Report
		m.Source = Source
		rows = append(rows, m)
	}
	return rows, noSender
}
