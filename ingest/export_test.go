package ingest

// SetFlushRows makes Runners write a piece every n rows until restore is
// called.
func SetFlushRows(n int) (restore func()) {
	old := flushRows
	flushRows = n
	return func() { flushRows = old }
}

// SetSortRecords makes write's copy sorters write a run file every n
// records until restore is called.
func SetSortRecords(n int) (restore func()) {
	old := sortRecords
	sortRecords = n
	return func() { sortRecords = old }
}
