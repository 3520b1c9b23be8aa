package ingest

// SetFlushRows makes Runners write a piece every n rows until restore is
// called.
func SetFlushRows(n int) (restore func()) {
	old := flushRows
	flushRows = n
	return func() { flushRows = old }
}
