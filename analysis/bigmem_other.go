//go:build !linux

package analysis

// Elsewhere the arrays stay on the Go heap.
func mapHuge(size int) (mapping, b []byte) { return nil, nil }

func unmap(mapping []byte) {}
