package googletest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/google/googletest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

func newOrg(t *testing.T) *synthetic.Org {
	t.Helper()
	org, err := synthetic.Generate(synthetic.Config{People: 12, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 47}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return org
}

// get fetches path from srv and decodes the JSON body.
func get(t *testing.T, srv *googletest.Server, path string) (int, map[string]any) {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: body is not JSON: %v\n%s", path, err, b)
	}
	return res.StatusCode, m
}

// discovery loads a discovery document: the copy in ../shared if present,
// else the one in the google.golang.org/api module we build against.
func discovery(t *testing.T, shared, inModule string) map[string]any {
	t.Helper()
	paths := []string{filepath.Join("..", "..", "..", "..", "shared", "data", "google-discovery", shared)}
	if out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/api").Output(); err == nil {
		paths = append(paths, filepath.Join(strings.TrimSpace(string(out)), inModule))
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var d map[string]any
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return d
	}
	t.Skipf("no discovery document %s found", shared)
	return nil
}

// conform reports every way v does not match the discovery schema s:
// unknown properties, wrong JSON types, int64 not encoded as strings.
func conform(doc map[string]any, s map[string]any, v any, path string) []string {
	if ref, ok := s["$ref"].(string); ok {
		return conform(doc, doc["schemas"].(map[string]any)[ref].(map[string]any), v, path)
	}
	var errs []string
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %T, want object", path, v)}
		}
		props, _ := s["properties"].(map[string]any)
		addl, _ := s["additionalProperties"].(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch ps, ok := props[k].(map[string]any); {
			case ok:
				errs = append(errs, conform(doc, ps, m[k], path+"."+k)...)
			case addl != nil:
				errs = append(errs, conform(doc, addl, m[k], path+"."+k)...)
			default:
				errs = append(errs, fmt.Sprintf("%s: unknown property %q", path, k))
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %T, want array", path, v)}
		}
		for i, e := range a {
			errs = append(errs, conform(doc, s["items"].(map[string]any), e, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case "string":
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s: got %T, want string (format %v)", path, v, s["format"]))
		}
	case "integer", "number":
		if _, ok := v.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s: got %T, want number", path, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s: got %T, want boolean", path, v))
		}
	}
	return errs
}

func schema(doc map[string]any, name string) map[string]any {
	return map[string]any{"$ref": name}
}

func TestServer_discoveryShapes(t *testing.T) {
	org := newOrg(t)
	srv := googletest.NewServer(t, org, googletest.Options{OnViolation: func(string) {}})
	u := org.People()[3].Email
	cal := discovery(t, "calendar-v3.json", "calendar/v3/calendar-api.json")
	gm := discovery(t, "gmail-v1.json", "gmail/v1/gmail-api.json")
	dir := discovery(t, "admin-directory-v1.json", "admin/directory/v1/admin-api.json")

	_, users := get(t, srv, "/admin/directory/v1/users?customer=my_customer&projection=full")
	_, events := get(t, srv, "/calendar/v3/calendars/"+url.PathEscape(u)+"/events?singleEvents=true&showDeleted=true")
	_, list := get(t, srv, "/gmail/v1/users/"+url.PathEscape(u)+"/messages?labelIds=SENT")
	msgs, _ := list["messages"].([]any)
	if len(msgs) == 0 || len(events["items"].([]any)) == 0 || len(users["users"].([]any)) != 12 {
		t.Fatalf("fake served %d messages, %d events, %d users", len(msgs), len(events["items"].([]any)), len(users["users"].([]any)))
	}
	id := msgs[0].(map[string]any)["id"].(string)
	_, msg := get(t, srv, "/gmail/v1/users/"+url.PathEscape(u)+"/messages/"+id+"?format=metadata")
	for _, c := range []struct {
		doc  map[string]any
		name string
		v    map[string]any
	}{
		{dir, "Users", users}, {cal, "Events", events}, {gm, "ListMessagesResponse", list}, {gm, "Message", msg},
	} {
		for _, e := range conform(c.doc, schema(c.doc, c.name), c.v, c.name) {
			t.Error(e)
		}
	}
	// The content the fields mask must remove is there without one.
	if s, _ := msg["snippet"].(string); !strings.Contains(s, "CANARY") {
		t.Errorf("message without fields mask has snippet %q, want a canary", s)
	}
	if s, _ := msg["internalDate"].(string); s == "" {
		t.Errorf("internalDate = %v, want a string", msg["internalDate"])
	}
}

func TestServer_privacy(t *testing.T) {
	org := newOrg(t)
	var violations []string
	srv := googletest.NewServer(t, org, googletest.Options{OnViolation: func(m string) { violations = append(violations, m) }})
	u := url.PathEscape(org.People()[3].Email)
	_, list := get(t, srv, "/gmail/v1/users/"+u+"/messages?labelIds=SENT")
	id := list["messages"].([]any)[0].(map[string]any)["id"].(string)

	tests := []struct {
		path      string
		status    int
		violation bool
	}{
		{"/gmail/v1/users/" + u + "/messages?q=after:2026/11/16", 403, false},
		{"/gmail/v1/users/" + u + "/messages/" + id, 403, false}, // format=full
		{"/gmail/v1/users/" + u + "/messages/" + id + "?format=raw", 403, false},
		{"/gmail/v1/users/" + u + "/messages/" + id + "?format=metadata", 200, true},
		{"/gmail/v1/users/" + u + "/messages/" + id + "?format=metadata&fields=id,snippet", 200, true},
		{"/gmail/v1/users/" + u + "/messages/" + id + "?format=metadata&metadataHeaders=Subject&fields=payload/headers", 200, true},
		{"/gmail/v1/users/" + u + "/messages/" + id + "?format=metadata&metadataHeaders=From&fields=id,internalDate,payload/headers", 200, false},
		{"/calendar/v3/calendars/" + u + "/events?fields=items(id,summary)", 200, true},
		{"/calendar/v3/calendars/" + u + "/events?fields=items(id,description)", 200, true},
		{"/calendar/v3/calendars/" + u + "/events?fields=items(id,start,end)", 200, false},
	}
	for _, tt := range tests {
		violations = nil
		status, body := get(t, srv, tt.path)
		if status != tt.status {
			t.Errorf("GET %s: status %d, want %d: %v", tt.path, status, tt.status, body)
		}
		if got := len(violations) > 0; got != tt.violation {
			t.Errorf("GET %s: violation reported = %v, want %v (%v)", tt.path, got, tt.violation, violations)
		}
		if !tt.violation && status == 200 {
			if b, _ := json.Marshal(body); strings.Contains(string(b), "CANARY") {
				t.Errorf("GET %s: response holds a canary: %s", tt.path, b)
			}
		}
	}
}

func TestServer_auth(t *testing.T) {
	org := newOrg(t)
	srv := googletest.NewServer(t, org, googletest.Options{RequireAuth: true})
	status, body := get(t, srv, "/admin/directory/v1/users?customer=my_customer&fields=users(primaryEmail)")
	if status != 401 {
		t.Errorf("unauthenticated request: status %d, want 401: %v", status, body)
	}
}

func TestServer_paging(t *testing.T) {
	org := newOrg(t)
	srv := googletest.NewServer(t, org, googletest.Options{MaxPage: 5})
	seen := map[string]bool{}
	token := ""
	for pages := 0; ; pages++ {
		_, m := get(t, srv, "/admin/directory/v1/users?customer=my_customer&fields=nextPageToken,users(primaryEmail)&pageToken="+url.QueryEscape(token))
		for _, u := range m["users"].([]any) {
			seen[u.(map[string]any)["primaryEmail"].(string)] = true
		}
		token, _ = m["nextPageToken"].(string)
		if token == "" {
			if pages != 2 {
				t.Errorf("got %d pages, want 3", pages+1)
			}
			break
		}
	}
	if len(seen) != 12 {
		t.Errorf("paged through %d users, want 12", len(seen))
	}
	status, _ := get(t, srv, "/admin/directory/v1/users?customer=my_customer&fields=users(primaryEmail)&pageToken=bogus")
	if status != 400 {
		t.Errorf("bad page token: status %d, want 400", status)
	}
}
