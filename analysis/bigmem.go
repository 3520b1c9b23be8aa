package analysis

import (
	"sync"
	"unsafe"
)

// A bigMem hands out the large pointer-free arrays of one streaming run
// (messages, per-person lists, attendance) from memory mapped outside the
// Go heap in transparent huge pages where the system allows it (see
// bigmem_linux.go), and gives it all back in release. On a 2-core VM,
// faulting in 4 KiB pages one by one cost a fifth of the CPU time of a
// 100,000-person week; 2 MiB pages take 512 times fewer faults.
//
// Nothing may use the arrays after release. A nil or disabled bigMem
// allocates on the Go heap.
type bigMem struct {
	on   bool
	mu   sync.Mutex         // the calendar and the mail are read at the same time
	maps map[uintptr][]byte // by first byte of the array: the whole mapping
}

// bigMinBytes is the smallest array worth a mapping of its own (a
// variable for tests).
var bigMinBytes = 4 << 20

// bigSlice returns an empty slice with room for n values of T.
func bigSlice[T any](m *bigMem, n int) []T {
	var z T
	size := int(unsafe.Sizeof(z)) * n
	if m == nil || !m.on || size < bigMinBytes {
		return make([]T, 0, n)
	}
	mapping, b := mapHuge(size)
	if b == nil {
		return make([]T, 0, n)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.maps == nil {
		m.maps = map[uintptr][]byte{}
	}
	m.maps[uintptr(unsafe.Pointer(&b[0]))] = mapping
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)[:0]
}

// free gives back the mapping of s now, if s came from bigSlice.
func bigFree[T any](m *bigMem, s []T) {
	if m == nil || cap(s) == 0 {
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.SliceData(s[:1])))
	m.mu.Lock()
	defer m.mu.Unlock()
	if mapping, ok := m.maps[p]; ok {
		unmap(mapping)
		delete(m.maps, p)
	}
}

// release gives back every mapping.
func (m *bigMem) release() {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for p, mapping := range m.maps {
		unmap(mapping)
		delete(m.maps, p)
	}
}

// growBig returns s with room for n more values, moving it to a bigMem
// array when it needs to grow.
func growBig[T any](m *bigMem, s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := append(bigSlice[T](m, len(s)+n), s...)
	bigFree(m, s)
	return out
}
