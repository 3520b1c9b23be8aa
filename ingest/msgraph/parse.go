package msgraph

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
)

// parseNodeFactory is the SDK's JSON deserializer with a faster first
// step. kiota's JsonParseNodeFactory builds its tree of JsonParseNodes
// with encoding/json's Decoder.Token, which allocates for every token:
// that was a third of the CPU time of an ingest against the fake (client
// and fake together), and the parsing, not Graph's limits, bound a 2-core
// machine at 20 ms of latency. This factory reads the document's tokens
// with jsontext (the tokenizer of the encoding/json/v2 design) and builds
// the same tree in the same single pass (the same node type and values:
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

// parseJSON builds the tree kiota's jsonserialization.NewJsonParseNode
// builds for content: objects as map[string]*JsonParseNode, arrays as
// []*JsonParseNode, strings as *string, numbers as *float64 (kiota's
// Decoder.Token gives float64 for every number), booleans as *bool, and
// null as a nil node.
//
// Whatever jsontext rejects goes to kiota's parser, which then gives its
// own tree or its own error: invalid documents, and the valid ones the
// two would read differently — bad UTF-8 and lone surrogate escapes
// (which encoding/json turns into U+FFFD), duplicate names (the last one
// wins in kiota's tree) and numbers beyond float64.
func parseJSON(content []byte) (*jsonser.JsonParseNode, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(content))
	n, err := readNode(dec)
	if err == nil {
		if _, err = dec.ReadToken(); err == io.EOF {
			return n, nil
		}
	}
	return jsonser.NewJsonParseNode(content)
}

// readNode reads the next value of dec as a node.
func readNode(dec *jsontext.Decoder) (*jsonser.JsonParseNode, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	var val any
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't', 'f':
		b := tok.Bool()
		val = &b
	case '"':
		s := tok.String()
		val = &s
	case '0':
		f, err := strconv.ParseFloat(tok.String(), 64)
		if err != nil {
			return nil, err
		}
		val = &f
	case '{':
		m := map[string]*jsonser.JsonParseNode{}
		for dec.PeekKind() == '"' {
			name, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			if m[name.String()], err = readNode(dec); err != nil {
				return nil, err
			}
		}
		if _, err := dec.ReadToken(); err != nil { // the '}', or the error
			return nil, err
		}
		val = m
	case '[':
		s := []*jsonser.JsonParseNode{}
		for k := dec.PeekKind(); k != ']' && k != jsontext.KindInvalid; k = dec.PeekKind() {
			c, err := readNode(dec)
			if err != nil {
				return nil, err
			}
			s = append(s, c)
		}
		if _, err := dec.ReadToken(); err != nil { // the ']', or the error
			return nil, err
		}
		val = s
	default:
		return nil, errors.New("unexpected JSON token")
	}
	n := &jsonser.JsonParseNode{}
	n.SetValue(val)
	return n, nil
}
