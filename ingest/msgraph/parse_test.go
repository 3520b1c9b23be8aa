package msgraph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

const samples = "../../../shared/data/msgraph-dataconnect-samples"

// parseCases are documents whose trees parseJSON must build exactly as
// kiota's NewJsonParseNode does: edge cases of the grammar, every record
// of the Graph Data Connect samples (real tenant exports, with bodies full
// of escapes and non-ASCII text), and pages of the fake's users,
// calendarView and messages answers.
func parseCases(t testing.TB) map[string][]byte {
	t.Helper()
	cases := map[string][]byte{
		"null":            []byte(`null`),
		"scalars":         []byte(`[true, false, null, "", "x", 0, -1, 1.5, -0.0, 1e3, 2E-2, 9223372036854775807, 9223372036854775808, -9223372036854775808, 12345678901234567890123]`),
		"escapes":         []byte(`{"a\"b": "\\ \/ \b \f \n \r \t \u00e9 \u20ac \ud83d\ude00", "é": "ünïcödé ✓ 😀"}`),
		"bad utf-8":       []byte("[\"a\xffb\", \"\xc3\", \"\xed\xa0\x80\"]"),
		"lone surrogates": []byte(`["\ud800", "\udc00x", "\ud800\u0041"]`),
		"nested":          []byte(` { "a" : [ { } , [ ] , { "b" : [ null , { "c" : null } ] } ] , "d" : { } } `),
		"duplicate keys":  []byte(`{"a": 1, "a": "two"}`),
		"empty object":    []byte(`{}`),
		"empty array":     []byte(`[]`),
		"top-level value": []byte(`"only"`),
		"deep":            []byte(strings.Repeat("[", 400) + `{"a": 1}` + strings.Repeat("]", 400)),
	}
	files, err := filepath.Glob(filepath.Join(samples, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Graph samples in %s: %v", samples, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(nil, len(b)+1)
		for n := 1; sc.Scan(); n++ {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				cases[filepath.Base(f)+":"+strconv.Itoa(n)] = bytes.Clone(line)
			}
		}
	}
	org, err := synthetic.Generate(synthetic.Config{People: 6, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var users, events, mails []map[string]any
	for _, u := range org.People() {
		users = append(users, graphtest.UserJSON(u))
		for _, e := range org.Calendar(u.Email) {
			events = append(events, graphtest.EventJSON(e, u.Email, time.UTC, "UTC"))
		}
		for _, m := range org.Mailbox(u.Email) {
			mails = append(mails, graphtest.MessageJSON(m, u.Email, "inbox"))
		}
	}
	for name, v := range map[string][]map[string]any{"users": users, "calendarView": events, "messages": mails} {
		b, err := json.Marshal(map[string]any{
			"@odata.context":  "https://graph.microsoft.com/v1.0/$metadata#" + name,
			"value":           v,
			"@odata.nextLink": "https://graph.microsoft.com/v1.0/" + name + "?$skiptoken=abc",
		})
		if err != nil {
			t.Fatal(err)
		}
		cases["fake "+name] = b
	}
	return cases
}

func TestParseJSON_matchesKiota(t *testing.T) {
	for name, doc := range parseCases(t) {
		want, werr := jsonser.NewJsonParseNode(doc)
		got, gerr := parseJSON(doc)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: error %v, kiota's %v", name, gerr, werr)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: tree differs from kiota's", name)
		}
	}
}

func TestParseJSON_errors(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":          ``,
		"space":          `  `,
		"truncated":      `{"value": [1, 2`,
		"two values":     `{} {}`,
		"trailing comma": `[1,]`,
		"bare word":      `nope`,
		"single quotes":  `{'a': 1}`,
		"control char":   "\"a\x01b\"",
		"bad escape":     `"\x"`,
		"leading zero":   `01`,
		"huge number":    `[1e400]`,
	} {
		if _, err := jsonser.NewJsonParseNode([]byte(doc)); err == nil {
			t.Fatalf("%s: kiota accepts %q; the case tests nothing", name, doc)
		}
		if n, err := parseJSON([]byte(doc)); err == nil {
			t.Errorf("%s: %q parsed as %v, want an error", name, doc, n)
		}
	}
}

// The factory is the one the SDK uses once a Source exists, and a page
// read through it gives the models the SDK's own factory gives.
func TestParseNodeFactory_registered(t *testing.T) {
	registerSerializers()
	f := serialization.DefaultParseNodeFactoryInstance.ContentTypeAssociatedFactories["application/json"]
	if _, ok := f.(parseNodeFactory); !ok {
		t.Fatalf("application/json parse node factory %T, want parseNodeFactory", f)
	}
	doc := parseCases(t)["fake messages"]
	read := func(f serialization.ParseNodeFactory) []byte {
		n, err := f.GetRootParseNode("application/json", doc)
		if err != nil {
			t.Fatal(err)
		}
		v, err := n.GetObjectValue(models.CreateMessageCollectionResponseFromDiscriminatorValue)
		if err != nil {
			t.Fatal(err)
		}
		var out []any
		for _, m := range v.(models.MessageCollectionResponseable).GetValue() {
			me, ok := sdkMailEntry(m)
			out = append(out, me, ok)
		}
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	got, want := read(parseNodeFactory{}), read(jsonser.NewJsonParseNodeFactory())
	if !bytes.Equal(got, want) || len(want) < 100 {
		t.Errorf("messages read through parseNodeFactory:\n%s\nthrough kiota's:\n%s", got, want)
	}
	if _, err := (parseNodeFactory{}).GetRootParseNode("text/plain", doc); err == nil {
		t.Error("text/plain accepted")
	}
}

// BenchmarkParse compares kiota's parser with parseJSON on a page of the
// fake's calendarView and one of its messages.
func BenchmarkParse(b *testing.B) {
	cases := parseCases(b)
	for _, page := range []string{"fake calendarView", "fake messages"} {
		doc := cases[page]
		for name, parse := range map[string]func([]byte) (*jsonser.JsonParseNode, error){
			"kiota": jsonser.NewJsonParseNode, "jsontext": parseJSON,
		} {
			b.Run(strings.ReplaceAll(page, " ", "_")+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(doc)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := parse(doc); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// FuzzParseJSON checks that parseJSON and kiota's parser agree on any
// input: the same tree, or both an error.
func FuzzParseJSON(f *testing.F) {
	for name, doc := range parseCases(f) {
		// The grammar's edge cases and the first record of each sample.
		if !strings.HasPrefix(name, "fake ") && (!strings.Contains(name, ":") || strings.HasSuffix(name, ":1")) {
			f.Add(doc)
		}
	}
	f.Add([]byte(`{"value":[{"a":1,"a":2}],"@odata.nextLink":"x"}`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		want, werr := jsonser.NewJsonParseNode(doc)
		got, gerr := parseJSON(doc)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("%q: error %v, kiota's %v", doc, gerr, werr)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: tree differs from kiota's", doc)
		}
	})
}
