package nir

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// The HDF5 library trusts size fields in the file and allocates what they
// declare; a crafted file declaring terabytes makes the Go runtime abort
// (out of memory is not a recoverable panic). FuzzRead found this for
// local heaps. preflight scans the raw bytes, before the library sees
// them, for every structure with a signature whose declared size feeds an
// allocation, and refuses sizes that point past the end of the file — no
// valid file has them. The checks follow the HDF5 File Format
// Specification (version 3.0, sections III.D "Local Heap" and III.E
// "Global Heap").

// preflight reads the file (refusing files larger than the read budget)
// and checks the size fields of its local and global heaps.
func preflight(path string, budget int64) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("is a directory, not a NIR file")
	}
	// Devices and FIFOs report size 0: /dev/zero would be read forever and
	// opening a FIFO blocks until a writer appears.
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("is not a regular file (mode %s), not a NIR file", fi.Mode().Type())
	}
	if fi.Size() > budget {
		return fmt.Errorf("file is %d bytes, more than the read budget (Options.MaxBytes = %d)", fi.Size(), budget)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// Bounded even if the file grows after Stat.
	b, err := io.ReadAll(io.LimitReader(f, budget+1))
	if err != nil {
		return err
	}
	if int64(len(b)) > budget {
		return fmt.Errorf("file grew past the read budget (Options.MaxBytes = %d) while it was read", budget)
	}
	if err := checkHeaps(b); err != nil {
		return fmt.Errorf("not a readable HDF5 file (%v)", err)
	}
	return nil
}

// hdf5Signature starts every HDF5 file (at offset 0 for files without a
// user block, which is how h5py and NIR write them).
var hdf5Signature = []byte("\x89HDF\r\n\x1a\n")

// checkHeaps checks every "HEAP" (local heap) and "GCOL" (global heap
// collection) signature in b. Checking every occurrence, not only those
// the file's metadata points to, is conservative: the library only loads a
// heap where it finds its signature, so every heap it can load is checked.
func checkHeaps(b []byte) error {
	if !bytes.HasPrefix(b, hdf5Signature) || len(b) < 16 {
		return fmt.Errorf("no HDF5 signature")
	}
	off, length, order := sizesAsDecoded(b)
	size := uint64(len(b))
	read := func(at, n int, order binary.ByteOrder) (uint64, bool) {
		if at < 0 || at+n > len(b) {
			return 0, false
		}
		switch n {
		case 1:
			return uint64(b[at]), true
		case 2:
			return uint64(order.Uint16(b[at:])), true
		case 4:
			return uint64(order.Uint32(b[at:])), true
		case 8:
			return order.Uint64(b[at:]), true
		}
		return 0, false
	}
	for at := 0; ; at++ {
		i := bytes.Index(b[at:], []byte("HEAP"))
		if i < 0 {
			break
		}
		at += i
		// Signature, version, 3 reserved, data segment size (length),
		// free list offset (length), data segment address (offset).
		segSize, ok1 := read(at+8, length, order)
		segAddr, ok2 := read(at+8+2*length, off, order)
		if ok1 && ok2 && (segSize > size || segAddr > size-segSize) {
			return fmt.Errorf("local heap at byte %d declares a %d-byte data segment that passes the end of the file", at, segSize)
		}
	}
	for at := 0; ; at++ {
		i := bytes.Index(b[at:], []byte("GCOL"))
		if i < 0 {
			break
		}
		at += i
		// Signature, version, 3 reserved, collection size. The library
		// reads it as little-endian with the width of file offsets.
		n, ok := read(at+8, off, binary.LittleEndian)
		if !ok {
			continue
		}
		if n > size-uint64(at) {
			return fmt.Errorf("global heap at byte %d declares %d bytes, passing the end of the file", at, n)
		}
		if err := checkHeapObjects(b[at:at+int(n)], off); err != nil {
			return fmt.Errorf("global heap at byte %d: %v", at, err)
		}
	}
	return nil
}

// checkHeapObjects walks the objects of a global heap collection c as the
// library does (ReadGlobalHeapCollection) and refuses an object whose size
// passes the end of the collection; the library would compute a negative
// or huge length or offset from it (FuzzRead found a "makeslice: len out of range"
// panic). Each object: ID (2), reference count (2), reserved (4), size
// (offset width), then the data padded to 8 bytes.
func checkHeapObjects(c []byte, off int) error {
	align := func(x uint64) uint64 { return (x + 7) &^ 7 }
	head := uint64(8 + off)
	n := uint64(len(c))
	for pos := align(head); pos+head <= n; {
		var size uint64
		if off == 8 {
			size = binary.LittleEndian.Uint64(c[pos+8:])
		} else {
			size = uint64(binary.LittleEndian.Uint32(c[pos+8:]))
		}
		rest := n - pos - head
		if binary.LittleEndian.Uint16(c[pos:]) == 0 {
			// Object 0 is the collection's free space; its size counts
			// its own header too (HDF5 File Format Specification III.E).
			rest += head
		}
		if size > rest {
			return fmt.Errorf("object at offset %d declares %d bytes, %d are left", pos, size, rest)
		}
		pos += head + align(size)
	}
	return nil
}

// sizesAsDecoded returns the widths of file offsets and lengths and the
// byte order exactly as scigolib/hdf5 v0.14.1 derives them from the
// superblock (internal/core/superblock.go), so that the heap checks read
// the same numbers the library will: version 0 has them in bytes 13 and 14
// (little-endian); versions 2 and 3 have flags in byte 9 (bit 0: big-endian)
// and in byte 10 either an offset width (length width then 8) or packed
// codes; a width of 0 means 8.
func sizesAsDecoded(b []byte) (off, length int, order binary.ByteOrder) {
	order = binary.LittleEndian
	if b[8] == 0 {
		off, length = int(b[13]), int(b[14])
	} else {
		if b[9]&1 == 1 {
			order = binary.BigEndian
		}
		switch v := b[10]; v {
		case 1, 2, 4, 8:
			off, length = int(v), 8
		default:
			codes := [4]int{1, 2, 4, 8}
			if lo, hi := v&0x0f, v>>4; lo < 4 && hi < 4 {
				off, length = codes[lo], codes[hi]
			}
		}
	}
	if off == 0 {
		off = 8
	}
	if length == 0 {
		length = 8
	}
	return off, length, order
}
