package analysis

// MapEverything makes every array of a streaming run come from its own
// mapping, so tests exercise the mapped memory and its release on small
// data; it returns a function undoing it.
func MapEverything() func() {
	old := bigMinBytes
	bigMinBytes = 1
	return func() { bigMinBytes = old }
}
