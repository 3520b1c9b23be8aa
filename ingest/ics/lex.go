package ics

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one unfolded content line; maxDepth bounds component
// nesting. Both stop hostile files from exhausting memory or the stack.
const (
	maxLine  = 1 << 20
	maxDepth = 16
)

// A prop is one content line (RFC 5545 §3.1): NAME;PARAM=V,V:VALUE.
type prop struct {
	Name   string
	Params map[string][]string
	Value  string
	Line   int
}

// param returns the first value of a parameter, or "".
func (p *prop) param(name string) string {
	if v := p.Params[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// A component is a BEGIN:X … END:X block.
type component struct {
	Name     string
	Line     int // line of its BEGIN
	Props    map[string][]*prop
	Children []*component
}

func (c *component) get(name string) *prop {
	if ps := c.Props[name]; len(ps) > 0 {
		return ps[0]
	}
	return nil
}

func (c *component) value(name string) string {
	if p := c.get(name); p != nil {
		return p.Value
	}
	return ""
}

// A SyntaxError reports a malformed iCalendar file with its position.
type SyntaxError struct {
	File      string
	Line      int
	Component string // innermost open component, e.g. "VEVENT"; "" at top level
	Msg       string
}

func (e *SyntaxError) Error() string {
	where := ""
	if e.Component != "" {
		where = fmt.Sprintf(" in %q", e.Component)
	}
	return fmt.Sprintf("%s:%d%s: %s", e.File, e.Line, where, e.Msg)
}

// lineReader unfolds content lines and counts physical lines.
type lineReader struct {
	br      *bufio.Reader
	line    int // physical lines read
	pending []byte
	hasPend bool
}

// next returns the next unfolded line and the physical line it started on.
func (r *lineReader) next() (string, int, error) {
	var buf []byte
	start := 0
	if r.hasPend {
		buf, r.hasPend = append(buf, r.pending...), false
		start = r.line
	} else {
		l, err := r.physical()
		if err != nil {
			return "", 0, err
		}
		buf, start = append(buf, l...), r.line
	}
	for {
		l, err := r.physical()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, err
		}
		if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
			if len(buf)+len(l) > maxLine {
				return "", 0, fmt.Errorf("line %d: content line longer than %d bytes", start, maxLine)
			}
			buf = append(buf, l[1:]...)
			continue
		}
		r.pending, r.hasPend = append(r.pending[:0], l...), true
		break
	}
	return string(buf), start, nil
}

func (r *lineReader) physical() ([]byte, error) {
	var out []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		out = append(out, chunk...)
		if len(out) > maxLine {
			return nil, fmt.Errorf("line %d: content line longer than %d bytes", r.line+1, maxLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && len(out) == 0 {
			return nil, io.EOF
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		r.line++
		return bytes.TrimRight(out, "\r\n"), nil
	}
}

// parse reads every top-level component of an iCalendar stream. Blank
// lines are skipped; text outside any component is an error.
func parse(rd io.Reader, file string) ([]*component, error) {
	lr := &lineReader{br: bufio.NewReaderSize(rd, 64<<10)}
	var (
		top   []*component
		stack []*component
	)
	cur := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].Name
	}
	for {
		s, line, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &SyntaxError{File: file, Line: lr.line + 1, Component: cur(), Msg: err.Error()}
		}
		s = strings.TrimPrefix(s, "\ufeff")
		if strings.TrimSpace(s) == "" {
			continue
		}
		p, perr := parseLine(s)
		if perr != nil {
			if len(stack) == 0 {
				return nil, &SyntaxError{File: file, Line: line, Msg: perr.Error()}
			}
			// A broken property inside a component is skipped: real exports
			// contain junk lines (ical.js newline_junk.ics), and the rest of
			// the event is still good.
			continue
		}
		p.Line = line
		switch p.Name {
		case "BEGIN":
			if len(stack) >= maxDepth {
				return nil, &SyntaxError{File: file, Line: line, Component: cur(), Msg: "components nested too deep"}
			}
			c := &component{Name: strings.ToUpper(strings.TrimSpace(p.Value)), Line: line, Props: map[string][]*prop{}}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, c)
			} else {
				top = append(top, c)
			}
			stack = append(stack, c)
		case "END":
			name := strings.ToUpper(strings.TrimSpace(p.Value))
			if len(stack) == 0 {
				return nil, &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf("END:%q without BEGIN", name)}
			}
			if open := stack[len(stack)-1].Name; open != name {
				return nil, &SyntaxError{File: file, Line: line, Component: open,
					Msg: fmt.Sprintf("END:%q does not close BEGIN:%q (line %d)", name, open, stack[len(stack)-1].Line)}
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				if len(top) > 0 {
					continue // trailing junk after END:VCALENDAR
				}
				return nil, &SyntaxError{File: file, Line: line, Msg: fmt.Sprintf("property %q outside any component", p.Name)}
			}
			c := stack[len(stack)-1]
			c.Props[p.Name] = append(c.Props[p.Name], p)
		}
	}
	if len(stack) > 0 {
		c := stack[len(stack)-1]
		return nil, &SyntaxError{File: file, Line: lr.line, Component: c.Name,
			Msg: fmt.Sprintf("BEGIN:%q (line %d) is never closed", c.Name, c.Line)}
	}
	if len(top) == 0 {
		return nil, &SyntaxError{File: file, Line: lr.line, Msg: "no BEGIN:VCALENDAR (empty file)"}
	}
	return top, nil
}

// parseLine splits one unfolded content line into name, parameters and
// value (RFC 5545 §3.1). Parameter values may be quoted; a quoted value
// may contain ';', ':' and ','.
func parseLine(s string) (*prop, error) {
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return nil, fmt.Errorf("malformed content line: want NAME:VALUE")
	}
	p := &prop{Name: strings.ToUpper(strings.TrimSpace(s[:i]))}
	rest := s[i:]
	for len(rest) > 0 && rest[0] == ';' {
		rest = rest[1:]
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("malformed parameter in %s", p.Name)
		}
		name := strings.ToUpper(strings.TrimSpace(rest[:eq]))
		rest = rest[eq+1:]
		for {
			var v string
			if len(rest) > 0 && rest[0] == '"' {
				end := strings.IndexByte(rest[1:], '"')
				if end < 0 {
					return nil, fmt.Errorf("unterminated quoted parameter %s in %s", name, p.Name)
				}
				v, rest = rest[1:1+end], rest[end+2:]
			} else {
				end := strings.IndexAny(rest, ";:,")
				if end < 0 {
					return nil, fmt.Errorf("property %s has no value (missing ':')", p.Name)
				}
				v, rest = rest[:end], rest[end:]
			}
			if p.Params == nil {
				p.Params = map[string][]string{}
			}
			p.Params[name] = append(p.Params[name], v)
			if len(rest) > 0 && rest[0] == ',' {
				rest = rest[1:]
				continue
			}
			break
		}
	}
	if len(rest) == 0 && p.Params != nil {
		// Outlook quirk: DTSTART;TZID="W. Europe Standard Time:20200609T090000",
		// the value inside the quotes. Split it off the last parameter.
		if vs := p.Params["TZID"]; len(vs) > 0 {
			last := vs[len(vs)-1]
			if i := strings.LastIndexByte(last, ':'); i > 0 {
				vs[len(vs)-1] = last[:i]
				p.Value = last[i+1:]
				return p, nil
			}
		}
	}
	if len(rest) == 0 || rest[0] != ':' {
		return nil, fmt.Errorf("property %s has no value (missing ':')", p.Name)
	}
	p.Value = rest[1:]
	return p, nil
}
