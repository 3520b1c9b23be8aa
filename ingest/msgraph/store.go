package msgraph

import (
	"crypto/rand"
	"errors"
	"reflect"
	"strings"

	"github.com/microsoft/kiota-abstractions-go/store"
)

// leanStore is the backing store of every model the SDK builds for the
// connector: kiota's InMemoryBackingStore with its values in a short slice
// instead of three maps. Every model object (an event, each attendee, each
// recipient and email address) makes a store, and a model holds a handful
// of values, so the maps' allocations and hashing were a tenth of the CPU
// of reading a week from Graph (BenchmarkRunner). The behaviour is
// InMemoryBackingStore's: keys are trimmed and must not be empty, a value
// equal to the stored one changes nothing, changes are flagged once
// initialization is completed, subscribers are told of each change.
type leanStore struct {
	kv          []storeValue
	subscribers []storeSubscriber
	initDone    bool // initialization completed
	onlyChanged bool // return only changed values
}

type storeValue struct {
	key     string
	val     any
	changed bool
}

type storeSubscriber struct {
	id string
	fn store.BackingStoreSubscriber
}

func newLeanStore() store.BackingStore { return &leanStore{initDone: true} }

func (s *leanStore) find(key string) int {
	for i := range s.kv {
		if s.kv[i].key == key {
			return i
		}
	}
	return -1
}

func (s *leanStore) Get(key string) (any, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, errors.New("key cannot be an empty string")
	}
	i := s.find(key)
	if i < 0 || (s.onlyChanged && !s.kv[i].changed) {
		return nil, nil
	}
	return s.kv[i].val, nil
}

func (s *leanStore) Set(key string, value any) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return errors.New("key cannot be an empty string")
	}
	var current any
	i := s.find(key)
	if i >= 0 {
		current = s.kv[i].val
	}
	if current != nil && !hasChanged(current, value) {
		return nil
	}
	if i < 0 {
		if s.kv == nil {
			s.kv = make([]storeValue, 0, 4)
		}
		s.kv = append(s.kv, storeValue{key: key})
		i = len(s.kv) - 1
	}
	s.kv[i].val, s.kv[i].changed = value, s.initDone
	for _, sub := range s.subscribers {
		sub.fn(key, current, value)
	}
	return nil
}

// hasChanged is InMemoryBackingStore's comparison.
func hasChanged(current, value any) bool {
	switch reflect.ValueOf(current).Kind() {
	case reflect.Map, reflect.Slice, reflect.Struct:
		return !reflect.DeepEqual(current, value)
	}
	return current != value
}

func (s *leanStore) Enumerate() map[string]any {
	items := make(map[string]any, len(s.kv))
	for _, e := range s.kv {
		if !s.onlyChanged || e.changed {
			items[e.key] = e.val
		}
	}
	return items
}

func (s *leanStore) EnumerateKeysForValuesChangedToNil() []string {
	keys := make([]string, 0)
	for _, e := range s.kv {
		v := reflect.ValueOf(e.val)
		if e.changed && (e.val == nil || v.Kind() == reflect.Ptr && v.IsNil()) {
			keys = append(keys, e.key)
		}
	}
	return keys
}

func (s *leanStore) Subscribe(callback store.BackingStoreSubscriber) string {
	id := rand.Text()
	_ = s.SubscribeWithId(callback, id)
	return id
}

func (s *leanStore) SubscribeWithId(callback store.BackingStoreSubscriber, id string) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return errors.New("subscriptionId cannot be an empty string")
	}
	for i := range s.subscribers {
		if s.subscribers[i].id == id {
			s.subscribers[i].fn = callback
			return nil
		}
	}
	s.subscribers = append(s.subscribers, storeSubscriber{id, callback})
	return nil
}

func (s *leanStore) Unsubscribe(id string) error {
	id = strings.TrimSpace(id)
	if id == "" {
		return errors.New("subscriptionId cannot be an empty string")
	}
	for i := range s.subscribers {
		if s.subscribers[i].id == id {
			s.subscribers = append(s.subscribers[:i], s.subscribers[i+1:]...)
			break
		}
	}
	return nil
}

func (s *leanStore) Clear()                              { s.kv = s.kv[:0] }
func (s *leanStore) GetInitializationCompleted() bool    { return s.initDone }
func (s *leanStore) SetInitializationCompleted(val bool) { s.initDone = val }
func (s *leanStore) GetReturnOnlyChangedValues() bool    { return s.onlyChanged }
func (s *leanStore) SetReturnOnlyChangedValues(val bool) { s.onlyChanged = val }
