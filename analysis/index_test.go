package analysis

import (
	"slices"
	"testing"

	"github.com/overload-engine/overload/dataset"
)

// TestMessageDedupe checks that a message id is kept once even when ids
// share a hash (forced here: every id hashes alike).
func TestMessageDedupe(t *testing.T) {
	for _, name := range []string{"distinct hashes", "one hash"} {
		b := newBuilder([]dataset.Person{{PersonID: "ann", IsInternal: true}, {PersonID: "bob", IsInternal: true}}, dataset.Shard{}, true)
		if name == "one hash" {
			b.hash = func(string) uint64 { return 7 }
		}
		email := b.channelCode(dataset.ChannelEmail)
		for i, id := range []string{"a", "b", "a", "c", "b", "c", "d"} {
			b.addMessage(id, email, false, int64(i), 0, []int32{1})
		}
		b.finishMessages()
		var got []string
		for _, m := range b.receivedBy(1) {
			got = append(got, b.index.msgs[m.msg].id)
		}
		if want := []string{"a", "b", "c", "d"}; !slices.Equal(got, want) {
			t.Errorf("%s: bob received %q, want %q", name, got, want)
		}
	}
}
