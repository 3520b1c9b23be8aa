package msgraph

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/microsoft/kiota-abstractions-go/store"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// TestLeanStoreAsInMemory runs the same operations on leanStore and on
// kiota's InMemoryBackingStore and wants the same answers: values, changed
// flags, values changed to nil, and subscriber calls.
func TestLeanStoreAsInMemory(t *testing.T) {
	type call struct {
		Key      string
		Old, New any
	}
	name := "Ada"
	run := func(s store.BackingStore) (out []any, calls []call) {
		id := s.Subscribe(func(key string, old, new any) { calls = append(calls, call{key, old, new}) })
		got := func(key string) {
			v, err := s.Get(key)
			out = append(out, v, err != nil)
		}
		enum := func() {
			m := s.Enumerate()
			keys := make([]string, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			nils := s.EnumerateKeysForValuesChangedToNil()
			slices.Sort(nils)
			out = append(out, keys, nils)
		}
		s.SetInitializationCompleted(false) // as while a model is parsed
		out = append(out, s.Set("id", "e1") != nil, s.Set(" start ", "2026-11-23") != nil, s.Set("", 1) != nil)
		out = append(out, s.Set("list", []string{"a"}) != nil, s.Set("name", &name) != nil)
		s.SetInitializationCompleted(true)
		got("id")
		got(" start")
		got("")
		got("missing")
		out = append(out, s.Set("list", []string{"a"}) != nil) // equal: no change, no call
		out = append(out, s.Set("id", "e2") != nil, s.Set("gone", nil) != nil, s.Set("ptr", (*string)(nil)) != nil)
		enum()
		s.SetReturnOnlyChangedValues(true)
		got("id")
		got("start") // set before initialization completed: not a change
		enum()
		out = append(out, s.GetReturnOnlyChangedValues(), s.GetInitializationCompleted())
		s.SetReturnOnlyChangedValues(false)
		out = append(out, s.Unsubscribe(id) != nil, s.Unsubscribe(" ") != nil, s.SubscribeWithId(nil, "") != nil)
		out = append(out, s.Set("id", "e3") != nil) // no subscriber left
		got("id")
		s.Clear()
		got("id")
		enum()
		return out, calls
	}
	wantOut, wantCalls := run(store.NewInMemoryBackingStore())
	gotOut, gotCalls := run(newLeanStore())
	if d := cmp.Diff(wantOut, gotOut); d != "" {
		t.Errorf("answers differ from InMemoryBackingStore (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantCalls, gotCalls); d != "" {
		t.Errorf("subscriber calls differ from InMemoryBackingStore (-want +got):\n%s", d)
	}
}

// TestLeanStoreModels checks that the SDK's models use the lean store once
// the connector has registered its serializers, and keep what is set.
func TestLeanStoreModels(t *testing.T) {
	registerSerializers()
	ev := models.NewEvent()
	if _, ok := ev.GetBackingStore().(*leanStore); !ok {
		t.Fatalf("event backing store is %T, want *leanStore", ev.GetBackingStore())
	}
	id := "AAMk-1"
	ev.SetId(&id)
	att := models.NewAttendee()
	att.SetEmailAddress(models.NewEmailAddress())
	ev.SetAttendees([]models.Attendeeable{att})
	if got := ev.GetId(); got == nil || *got != id {
		t.Errorf("GetId = %v, want %q", got, id)
	}
	if got := ev.GetAttendees(); len(got) != 1 || got[0].GetEmailAddress() == nil {
		t.Errorf("GetAttendees = %v, want one attendee with an address", got)
	}
}
