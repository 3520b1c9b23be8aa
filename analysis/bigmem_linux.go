package analysis

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

const hugePage = 2 << 20

// mapHuge maps size bytes of anonymous memory and asks for transparent
// huge pages (MADV_HUGEPAGE: honoured when THP is "always" or "madvise",
// the usual defaults). It returns the whole mapping and the part to use,
// aligned to a huge page, or nils if the mapping failed.
func mapHuge(size int) (mapping, b []byte) {
	size = (size + hugePage - 1) &^ (hugePage - 1)
	mapping, err := unix.Mmap(-1, 0, size+hugePage, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
	if err != nil {
		return nil, nil
	}
	off := -int(uintptr(unsafe.Pointer(&mapping[0]))) & (hugePage - 1)
	b = mapping[off : off+size]
	_ = unix.Madvise(b, unix.MADV_HUGEPAGE) // only advice: without it the pages are small
	return mapping, b
}

func unmap(mapping []byte) { _ = unix.Munmap(mapping) }
