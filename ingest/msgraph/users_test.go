package msgraph

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/microsoftgraph/msgraph-sdk-go/models"

	"github.com/overload-engine/overload/dataset"
	"github.com/overload-engine/overload/ingest/msgraph/graphtest"
	"github.com/overload-engine/overload/ingest/synthetic"
)

// userCases are users pages: the fake's listing with managers expanded,
// every user record of the Graph Data Connect samples as a page of one,
// and pages with the edge cases of the properties read.
func userCases(t *testing.T) map[string][]byte {
	t.Helper()
	cases := map[string][]byte{}
	org, err := synthetic.Generate(synthetic.Config{People: 40, Weeks: 1, Start: dataset.Week{Year: 2026, Num: 46}, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	srv := graphtest.NewServer(t, org, graphtest.Options{})
	resp, err := http.Get(srv.BaseURL() + "/users?$select=id,userPrincipalName,mail,department,accountEnabled,userType,onPremisesExtensionAttributes&$expand=manager($select=id,mail,userPrincipalName)&$top=999")
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("fake users: %d %v", resp.StatusCode, err)
	}
	cases["fake users"] = b
	for name, line := range parseCases(t) { // the samples' records, a line each
		if strings.HasPrefix(name, "BasicDataSet_v0.User_") {
			cases[name] = append(append([]byte(`{"value":[`), line...), "]}"...)
		}
	}
	for name, v := range map[string]string{
		"disabled":          `{"id":"1","mail":"a@x.com","accountEnabled":false}`,
		"enabled null":      `{"id":"1","mail":"a@x.com","accountEnabled":null}`,
		"guest":             `{"id":"1","mail":"a@x.com","userType":"Guest"}`,
		"member lower":      `{"id":"1","mail":"a@x.com","userType":"member"}`,
		"upn only":          `{"id":"1","mail":null,"userPrincipalName":"B@X.com"}`,
		"upn without @":     `{"id":"1","mail":"","userPrincipalName":"b"}`,
		"no address":        `{"id":"1"}`,
		"no id":             `{"mail":"a@x.com"}`,
		"manager user":      `{"id":"1","mail":"a@x.com","manager":{"@odata.type":"#microsoft.graph.user","id":"2","mail":"M@x.com"}}`,
		"manager upn":       `{"id":"1","mail":"a@x.com","manager":{"@odata.type":"#microsoft.graph.user","id":"2","userPrincipalName":"m@x.com"}}`,
		"manager untyped":   `{"id":"1","mail":"a@x.com","manager":{"id":"2","mail":"m@x.com"}}`,
		"manager contact":   `{"id":"1","mail":"a@x.com","manager":{"@odata.type":"#microsoft.graph.orgContact","id":"2","mail":"m@x.com"}}`,
		"manager null":      `{"id":"1","mail":"a@x.com","manager":null}`,
		"attributes":        `{"id":"1","mail":"a@x.com","department":"Sales","onPremisesExtensionAttributes":{"extensionAttribute1":"IC","extensionAttribute2":"L3","extensionAttribute15":"x"}}`,
		"attributes null":   `{"id":"1","mail":"a@x.com","department":null,"onPremisesExtensionAttributes":{"extensionAttribute1":null,"extensionAttribute2":null}}`,
		"attributes absent": `{"id":"1","mail":"a@x.com","onPremisesExtensionAttributes":null}`,
		"unknown members":   `{"id":"1","mail":"a@x.com","displayName":"A","businessPhones":["1"],"manager":{"@odata.type":"#microsoft.graph.user","mail":"m@x.com","manager":{"id":"9"}}}`,
	} {
		cases[name] = []byte(`{"value":[` + v + `]}`)
	}
	return cases
}

// directoryUser reads every users page as the SDK's user models with the
// former mapping did: the same users left out, the same address, manager,
// department, function, level and object id.
func TestUsers_matchSDK(t *testing.T) {
	registerSerializers()
	checked := 0
	for name, doc := range userCases(t) {
		for _, attrs := range [][2]int{{1, 2}, {15, 0}} {
			want, werr := sdkUsers(doc, attrs[0], attrs[1])
			_, got, gerr := directPage(doc, func(u *graphUser) (any, error) {
				su, id, ok := directoryUser(u, attrs[0], attrs[1])
				return []any{su, id, ok}, nil
			})
			if (werr == nil) != (gerr == nil) {
				t.Errorf("%s: error %v, the SDK's %v", name, gerr, werr)
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (attributes %v):\n got %v\nwant %v", name, attrs, got, want)
			}
			checked += len(want)
		}
	}
	if checked < 100 {
		t.Errorf("%d users compared, want ≥ 100", checked)
	}
}

// sdkUsers reads doc into the SDK's user collection model and maps each
// user as the connector did.
func sdkUsers(doc []byte, fa, la int) ([]any, error) {
	n, err := parseJSON(doc)
	if err != nil {
		return nil, err
	}
	v, err := n.GetObjectValue(models.CreateUserCollectionResponseFromDiscriminatorValue)
	if err != nil || v == nil {
		return nil, err
	}
	var out []any
	for _, u := range v.(models.UserCollectionResponseable).GetValue() {
		su, id, ok := sdkDirectoryUser(u, fa, la)
		out = append(out, []any{su, id, ok})
	}
	return out, nil
}
