package googletest

import (
	"fmt"
	"strings"
)

// A fieldMask is a parsed partial-response "fields" parameter: for each
// selected key, the mask of its sub-fields, or nil for the whole value.
type fieldMask map[string]fieldMask

// parseFields parses the Google partial-response syntax:
// "a,b/c,d(e,f/g)". An empty string gives a nil mask (everything).
func parseFields(s string) (fieldMask, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := &fieldParser{s: s}
	m := fieldMask{}
	if err := p.list(m); err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("invalid fields %q: unexpected %q at %d", s, p.s[p.i], p.i)
	}
	return m, nil
}

type fieldParser struct {
	s string
	i int
}

func (p *fieldParser) list(m fieldMask) error {
	for {
		if err := p.item(m); err != nil {
			return err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

func (p *fieldParser) item(m fieldMask) error {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",/()", rune(p.s[p.i])) {
		p.i++
	}
	name := strings.TrimSpace(p.s[start:p.i])
	if name == "" {
		return fmt.Errorf("invalid fields %q: empty name at %d", p.s, start)
	}
	if p.i >= len(p.s) || (p.s[p.i] != '/' && p.s[p.i] != '(') {
		m[name] = nil
		return nil
	}
	// A sub-selection. If name is already selected whole, the narrower
	// selection is parsed into a throw-away mask.
	sub, ok := m[name]
	switch {
	case !ok:
		sub = fieldMask{}
		m[name] = sub
	case sub == nil:
		sub = fieldMask{}
	}
	if p.s[p.i] == '/' {
		p.i++
		return p.item(sub)
	}
	p.i++
	if err := p.list(sub); err != nil {
		return err
	}
	if p.i >= len(p.s) || p.s[p.i] != ')' {
		return fmt.Errorf("invalid fields %q: missing )", p.s)
	}
	p.i++
	return nil
}

// apply returns v with only the fields of m kept. Arrays are filtered
// element by element.
func (m fieldMask) apply(v any) any {
	if m == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(m))
		for k, sub := range m {
			if val, ok := x[k]; ok {
				out[k] = sub.apply(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = m.apply(e)
		}
		return out
	}
	return v
}

// paths returns every selected leaf path, "/"-joined, for privacy checks.
func (m fieldMask) paths(prefix string) []string {
	var out []string
	for k, sub := range m {
		p := k
		if prefix != "" {
			p = prefix + "/" + k
		}
		if sub == nil {
			out = append(out, p)
		} else {
			out = append(out, sub.paths(p)...)
		}
	}
	return out
}
