package googletest

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestParseFields(t *testing.T) {
	v := map[string]any{
		"nextPageToken": "n", "kind": "k",
		"items": []any{
			map[string]any{"id": "1", "summary": "s", "start": map[string]any{"dateTime": "d", "timeZone": "z"},
				"attendees": []any{map[string]any{"email": "e", "displayName": "n"}}},
		},
	}
	tests := []struct {
		fields string
		want   string
	}{
		{"", `{"items":[{"attendees":[{"displayName":"n","email":"e"}],"id":"1","start":{"dateTime":"d","timeZone":"z"},"summary":"s"}],"kind":"k","nextPageToken":"n"}`},
		{"nextPageToken", `{"nextPageToken":"n"}`},
		{"items(id,start/dateTime)", `{"items":[{"id":"1","start":{"dateTime":"d"}}]}`},
		{"items/id,items/attendees(email)", `{"items":[{"attendees":[{"email":"e"}],"id":"1"}]}`},
		{"items,items/id", `{"items":[{"attendees":[{"displayName":"n","email":"e"}],"id":"1","start":{"dateTime":"d","timeZone":"z"},"summary":"s"}]}`},
		{"missing,kind", `{"kind":"k"}`},
	}
	for _, tt := range tests {
		m, err := parseFields(tt.fields)
		if err != nil {
			t.Errorf("parseFields(%q): %v", tt.fields, err)
			continue
		}
		b, _ := json.Marshal(m.apply(v))
		if string(b) != tt.want {
			t.Errorf("fields %q gives %s, want %s", tt.fields, b, tt.want)
		}
	}
	for _, bad := range []string{"items(id", "a,,b", "items()", ",", "a)"} {
		if _, err := parseFields(bad); err == nil {
			t.Errorf("parseFields(%q) = nil error, want one", bad)
		}
	}
	m, _ := parseFields("items(id,start/dateTime),nextPageToken")
	paths := m.paths("")
	slices.Sort(paths)
	if want := []string{"items/id", "items/start/dateTime", "nextPageToken"}; !slices.Equal(paths, want) {
		t.Errorf("paths = %v, want %v", paths, want)
	}
}

func FuzzParseFields(f *testing.F) {
	for _, s := range []string{"", "a", "a/b", "a(b,c/d),e", "items(id,attendees(email,self)),nextPageToken"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := parseFields(s)
		if err != nil {
			return
		}
		m.apply(map[string]any{"a": []any{map[string]any{"b": 1}}})
		m.paths("")
	})
}
