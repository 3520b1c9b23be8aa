package msgraph

import (
	"bytes"
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/microsoft/kiota-abstractions-go/serialization"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	"github.com/valyala/fastjson"
)

// parseNodeFactory is the SDK's JSON deserializer with a faster first
// step. kiota's JsonParseNodeFactory builds its tree of JsonParseNodes
// with encoding/json's Decoder.Token, which allocates for every token:
// that was a third of the CPU time of an ingest against the fake (client
// and fake together), and with the parsing, not Graph's limits, binding a
// 2-core machine at 20 ms of latency. This factory parses the document
// with fastjson and builds the same tree (the same node type and values:
// maps, slices, *string, *float64, *bool, nil for null) through the
// node's exported SetValue, so everything after it — the models' field
// deserializers, the backing store, the page iterator — is the SDK's own
// code and reads exactly what it reads with kiota's factory. Documents the
// fast path would read differently go to kiota's own parser (parseJSON).
type parseNodeFactory struct{}

func (parseNodeFactory) GetValidContentType() (string, error) { return "application/json", nil }

func (f parseNodeFactory) GetRootParseNode(contentType string, content []byte) (serialization.ParseNode, error) {
	switch want, _ := f.GetValidContentType(); {
	case contentType == "":
		return nil, errors.New("contentType is empty")
	case contentType != want:
		return nil, errors.New("contentType is not valid")
	}
	// As kiota's factory does, a document that is null gives a nil
	// *JsonParseNode (whose methods all answer nil), not a nil ParseNode.
	return parseJSON(content)
}

// parsers are reused: a fastjson.Parser keeps its arena between documents.
var parsers fastjson.ParserPool

// parseJSON builds the tree kiota's jsonserialization.NewJsonParseNode
// builds for content: objects as map[string]*JsonParseNode, arrays as
// []*JsonParseNode, strings as *string, numbers as *float64 (kiota's
// Decoder.Token gives float64 for every number, and numbers beyond its
// range are an error), booleans as *bool, and null as a nil node.
func parseJSON(content []byte) (*jsonser.JsonParseNode, error) {
	// kiota itself reads what the fast path would read differently or
	// not at all: encoding/json turns bad UTF-8 and lone surrogates into
	// U+FFFD where fastjson keeps them, and invalid documents (or ones
	// nested deeper than fastjson's 300 levels, or with numbers beyond
	// float64) get kiota's own errors.
	if !utf8.Valid(content) || hasSurrogateEscape(content) || fastjson.ValidateBytes(content) != nil {
		return jsonser.NewJsonParseNode(content)
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(content)
	if err != nil {
		return jsonser.NewJsonParseNode(content)
	}
	n, err := jsonNode(v)
	if err != nil {
		return jsonser.NewJsonParseNode(content)
	}
	return n, nil
}

// hasSurrogateEscape reports whether b may hold a \uD800–\uDFFF escape.
func hasSurrogateEscape(b []byte) bool {
	for {
		i := bytes.Index(b, []byte(`\u`))
		if i < 0 || i+2 >= len(b) {
			return false
		}
		if c := b[i+2]; c == 'd' || c == 'D' {
			return true
		}
		b = b[i+2:]
	}
}

func jsonNode(v *fastjson.Value) (*jsonser.JsonParseNode, error) {
	var val any
	switch v.Type() {
	case fastjson.TypeNull:
		return nil, nil
	case fastjson.TypeObject:
		o, _ := v.Object()
		m := make(map[string]*jsonser.JsonParseNode, o.Len())
		var err error
		o.Visit(func(k []byte, c *fastjson.Value) {
			if err == nil {
				m[string(k)], err = jsonNode(c)
			}
		})
		if err != nil {
			return nil, err
		}
		val = m
	case fastjson.TypeArray:
		a, _ := v.Array()
		s := make([]*jsonser.JsonParseNode, len(a))
		for i, c := range a {
			n, err := jsonNode(c)
			if err != nil {
				return nil, err
			}
			s[i] = n
		}
		val = s
	case fastjson.TypeString:
		b, _ := v.StringBytes()
		str := string(b)
		val = &str
	case fastjson.TypeTrue, fastjson.TypeFalse:
		b := v.Type() == fastjson.TypeTrue
		val = &b
	case fastjson.TypeNumber:
		f, err := strconv.ParseFloat(v.String(), 64)
		if err != nil {
			return nil, err
		}
		val = &f
	}
	n := &jsonser.JsonParseNode{}
	n.SetValue(val)
	return n, nil
}
