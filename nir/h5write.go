package nir

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
)

// This file encodes a small tree of HDF5 groups and datasets into the bytes
// of an HDF5 file, in the layout h5py writes with its defaults (superblock
// v0, version-1 object headers, symbol-table groups with a local heap,
// contiguous datasets, variable-length strings in global heap
// collections). Offsets and lengths are 8 bytes, numbers little-endian.
//
// Why it is hand-written: github.com/scigolib/hdf5 v0.14.1, which h5.go
// uses to read, can write groups and datasets but not scalar (rank-0)
// datasets (CreateDataset rejects empty dimensions), and NIR needs them:
// every node's "type", the file's "version", a "padding" of "same", and
// integer fields such as "groups" are scalars, and NIR's Python reader
// compares node["type"][()] with a bytes value, which an array of one
// string is not. Writing only what NIR needs takes the few structures
// below; each follows the HDF5 File Format Specification version 3.0
// (structure names in the comments), and TestWrittenFileH5py checks the
// result with h5py (the HDF5 C library).

// undefAddr is the HDF5 "undefined address" (all bits set; spec, "Conventions").
const undefAddr = math.MaxUint64

// h5w* describe what is to be written.
type (
	h5wGroup struct {
		entries []h5wEntry
	}
	h5wEntry struct {
		name  string
		group *h5wGroup   // exactly one of group and ds is set
		ds    *h5wDataset // "
	}
	h5wDataset struct {
		shape   Shape     // empty = scalar
		dtype   DType     // numeric datasets
		values  []float64 // numeric datasets, row-major
		strings []string  // variable-length string datasets (dtype unused)
		isStr   bool
		heapIDs []h5wHeapID // filled by the encoder for string datasets
	}
	h5wHeapID struct {
		coll  uint64
		index uint32
	}
)

func (g *h5wGroup) group(name string) *h5wGroup {
	c := &h5wGroup{}
	g.entries = append(g.entries, h5wEntry{name: name, group: c})
	return c
}

func (g *h5wGroup) dataset(name string, d *h5wDataset) {
	g.entries = append(g.entries, h5wEntry{name: name, ds: d})
}

// Limits of this encoder, from the field widths of the structures it writes.
const (
	// maxGroupEntries: a group's entries go into one symbol table node,
	// whose entry count is a 16-bit field (spec, "Symbol Table Node": "Number of Symbols").
	maxGroupEntries = math.MaxUint16
	// maxHeapObjects: global heap object indices are 16-bit (spec, "Global Heap": "Heap Object Index").
	maxHeapObjects = math.MaxUint16
	// minCollection is the smallest global heap collection the HDF5
	// library reads (H5HG_MINSIZE in the C library; spec, "Global Heap": "Collection Size").
	minCollection = 4096
	// btreeK is the group B-tree's internal node K (spec, "Superblock": "Group Internal Node K"; 16 is the
	// library default). Every group here needs one leaf only.
	btreeK = 16
)

// h5enc accumulates the file's bytes; addresses are offsets into buf.
type h5enc struct {
	buf   []byte
	leafK int // group leaf node K: half the symbol table node capacity
}

var h5le = binary.LittleEndian

// alloc appends n zero bytes at an 8-byte aligned address and returns it.
func (e *h5enc) alloc(n int) uint64 {
	for len(e.buf)%8 != 0 {
		e.buf = append(e.buf, 0)
	}
	addr := uint64(len(e.buf))
	e.buf = append(e.buf, make([]byte, n)...)
	return addr
}

// encodeH5 returns the bytes of an HDF5 file whose root group is root.
func encodeH5(root *h5wGroup) ([]byte, error) {
	maxEntries := 0
	var strs []*h5wDataset
	if err := walkH5(root, &maxEntries, &strs); err != nil {
		return nil, err
	}
	e := &h5enc{leafK: max(4, (maxEntries+1)/2)} // 4 is the library default
	e.alloc(superblockSize)
	if err := e.globalHeaps(strs); err != nil {
		return nil, err
	}
	rootAddr, btree, heap := e.group(root)
	e.superblock(rootAddr, btree, heap)
	return e.buf, nil
}

// walkH5 sorts every group's entries by name (the HDF5 library looks names
// up by binary search), checks the encoder's limits and lists the string
// datasets in a fixed order.
func walkH5(g *h5wGroup, maxEntries *int, strs *[]*h5wDataset) error {
	sort.Slice(g.entries, func(i, j int) bool { return g.entries[i].name < g.entries[j].name })
	if len(g.entries) > maxGroupEntries {
		return fmt.Errorf("a group has %d members, more than the %d this writer supports", len(g.entries), maxGroupEntries)
	}
	*maxEntries = max(*maxEntries, len(g.entries))
	for i, c := range g.entries {
		if i > 0 && c.name == g.entries[i-1].name {
			return fmt.Errorf("two members are named %q", clip(c.name))
		}
		switch {
		case c.group != nil:
			if err := walkH5(c.group, maxEntries, strs); err != nil {
				return err
			}
		case c.ds.isStr:
			*strs = append(*strs, c.ds)
		}
	}
	return nil
}

// superblockSize is the size of a version-0 superblock with 8-byte offsets
// and lengths, root symbol table entry included (spec, "Superblock", version 0).
const superblockSize = 96

func (e *h5enc) superblock(root, btree, heap uint64) {
	b := e.buf[:superblockSize]
	copy(b, "\x89HDF\r\n\x1a\n")
	// b[8..15]: superblock, free-space, root-entry and shared-header
	// versions 0, reserved, then sizes of offsets and lengths.
	b[13], b[14] = 8, 8
	h5le.PutUint16(b[16:], uint16(e.leafK))
	h5le.PutUint16(b[18:], btreeK)
	// b[20:24] file consistency flags: 0.
	h5le.PutUint64(b[24:], 0)                  // base address
	h5le.PutUint64(b[32:], undefAddr)          // free-space info
	h5le.PutUint64(b[40:], uint64(len(e.buf))) // end of file
	h5le.PutUint64(b[48:], undefAddr)          // driver information block
	h5putEntry(b[56:], 0, root, btree, heap)
}

// h5putEntry writes a 40-byte symbol table entry (spec, "Symbol Table Entry"). A group gets
// cache type 1 with its B-tree and heap addresses, as the library writes.
func h5putEntry(b []byte, nameOff, header, btree, heap uint64) {
	h5le.PutUint64(b[0:], nameOff)
	h5le.PutUint64(b[8:], header)
	if btree != 0 {
		h5le.PutUint32(b[16:], 1)
		h5le.PutUint64(b[24:], btree)
		h5le.PutUint64(b[32:], heap)
	}
}

// globalHeaps stores every string of the string datasets in global heap
// collections (spec, "Global Heap") and records each string's heap ID.
func (e *h5enc) globalHeaps(strs []*h5wDataset) error {
	var objs [][]byte
	var owners []*h5wDataset
	flush := func() {
		if len(objs) == 0 {
			return
		}
		size := 16 // collection header
		for _, o := range objs {
			size += 16 + h5pad8(len(o))
		}
		total := max(minCollection, size)
		addr := e.alloc(total)
		b := e.buf[addr:]
		copy(b, "GCOL")
		b[4] = 1 // version
		h5le.PutUint64(b[8:], uint64(total))
		p := 16
		for i, o := range objs {
			h5le.PutUint16(b[p:], uint16(i+1)) // index; reference count 0
			h5le.PutUint64(b[p+8:], uint64(len(o)))
			copy(b[p+16:], o)
			p += 16 + h5pad8(len(o))
			owners[i].heapIDs = append(owners[i].heapIDs, h5wHeapID{coll: addr, index: uint32(i + 1)})
		}
		if free := total - p; free >= 16 {
			h5le.PutUint64(b[p+8:], uint64(free)) // free space object, index 0
		}
		objs, owners = objs[:0], owners[:0]
	}
	const maxCollection = 1 << 20 // start a new collection past 1 MiB
	used := 16
	for _, d := range strs {
		for _, s := range d.strings {
			if s == "" {
				return fmt.Errorf("empty strings are not written")
			}
			if len(objs) == maxHeapObjects || used+16+h5pad8(len(s)) > maxCollection && len(objs) > 0 {
				flush()
				used = 16
			}
			objs = append(objs, []byte(s))
			owners = append(owners, d)
			used += 16 + h5pad8(len(s))
		}
	}
	flush()
	return nil
}

func h5pad8(n int) int { return (n + 7) &^ 7 }

// group writes g's members, its local heap of names, symbol table node,
// B-tree and object header; it returns the header, B-tree and heap
// addresses.
func (e *h5enc) group(g *h5wGroup) (header, btree, heap uint64) {
	type child struct{ header, btree, heap uint64 }
	kids := make([]child, len(g.entries))
	for i, c := range g.entries {
		if c.group != nil {
			kids[i].header, kids[i].btree, kids[i].heap = e.group(c.group)
		} else {
			kids[i].header = e.dataset(c.ds)
		}
	}
	// Local heap (spec, "Local Heap"): offset 0 holds the empty name, then each
	// name NUL-terminated and padded to 8 bytes.
	data := make([]byte, 8)
	offs := make([]uint64, len(g.entries))
	for i, c := range g.entries {
		offs[i] = uint64(len(data))
		data = append(data, make([]byte, h5pad8(len(c.name)+1))...)
		copy(data[offs[i]:], c.name)
	}
	heap = e.alloc(32)
	h := e.buf[heap:]
	copy(h, "HEAP") // version 0
	h5le.PutUint64(h[8:], uint64(len(data)))
	h5le.PutUint64(h[16:], 1) // no free block (H5HL_FREE_NULL)
	dataAddr := e.alloc(len(data))
	copy(e.buf[dataAddr:], data)
	h5le.PutUint64(e.buf[heap+24:], dataAddr)

	// Symbol table node (spec, "Symbol Table Node"), one for all entries.
	var snod uint64
	if len(g.entries) > 0 {
		snod = e.alloc(8 + 2*e.leafK*40)
		s := e.buf[snod:]
		copy(s, "SNOD")
		s[4] = 1 // version
		h5le.PutUint16(s[6:], uint16(len(g.entries)))
		for i := range g.entries {
			h5putEntry(s[8+40*i:], offs[i], kids[i].header, kids[i].btree, kids[i].heap)
		}
	}

	// Version-1 B-tree node of type 0 (spec, "Version 1 B-trees"), allocated at the
	// full size the library reads: keys are heap offsets of names, key 0
	// the empty name, key 1 the last name in the leaf.
	btree = e.alloc(24 + 2*btreeK*8 + (2*btreeK+1)*8)
	t := e.buf[btree:]
	copy(t, "TREE") // type 0, level 0
	h5le.PutUint64(t[8:], undefAddr)
	h5le.PutUint64(t[16:], undefAddr)
	if len(g.entries) > 0 {
		h5le.PutUint16(t[6:], 1)
		h5le.PutUint64(t[24:], 0)
		h5le.PutUint64(t[32:], snod)
		h5le.PutUint64(t[40:], offs[len(offs)-1])
	}

	// Object header with a symbol table message (type 0x11).
	msg := make([]byte, 16)
	h5le.PutUint64(msg[0:], btree)
	h5le.PutUint64(msg[8:], heap)
	header = e.objectHeader([]h5msg{{0x11, msg}})
	return header, btree, heap
}

// h5msg is one object header message: its type and data.
type h5msg struct {
	typ  uint16
	data []byte
}

// objectHeader writes a version-1 object header (spec, "Version 1 Data Object Header Prefix"): a
// 16-byte prefix, then each message with an 8-byte header and its data
// padded to a multiple of 8 bytes.
func (e *h5enc) objectHeader(msgs []h5msg) uint64 {
	size := 0
	for _, m := range msgs {
		size += 8 + h5pad8(len(m.data))
	}
	addr := e.alloc(16 + size)
	b := e.buf[addr:]
	b[0] = 1 // version
	h5le.PutUint16(b[2:], uint16(len(msgs)))
	h5le.PutUint32(b[4:], 1) // reference count
	h5le.PutUint32(b[8:], uint32(size))
	p := 16
	for _, m := range msgs {
		h5le.PutUint16(b[p:], m.typ)
		h5le.PutUint16(b[p+2:], uint16(h5pad8(len(m.data))))
		copy(b[p+8:], m.data)
		p += 8 + h5pad8(len(m.data))
	}
	return addr
}

// dataset writes d's data and object header and returns the header address.
func (e *h5enc) dataset(d *h5wDataset) uint64 {
	var raw, dtype []byte
	if d.isStr {
		dtype = h5vlenStringType()
		raw = make([]byte, 16*len(d.heapIDs))
		for i, id := range d.heapIDs {
			h5le.PutUint32(raw[16*i:], uint32(len(d.strings[i])))
			h5le.PutUint64(raw[16*i+4:], id.coll)
			h5le.PutUint32(raw[16*i+12:], id.index)
		}
	} else {
		dtype, raw = h5numeric(d.dtype, d.values)
	}
	dataAddr := uint64(undefAddr)
	if len(raw) > 0 {
		dataAddr = e.alloc(len(raw))
		copy(e.buf[dataAddr:], raw)
	}
	// Dataspace message version 1 (spec, "The Dataspace Message"); rank 0 is a scalar.
	space := make([]byte, 8+8*len(d.shape))
	space[0], space[1] = 1, byte(len(d.shape))
	for i, n := range d.shape {
		h5le.PutUint64(space[8+8*i:], uint64(n))
	}
	// Fill value message version 2 (spec, "The Fill Value Message"): allocation early, fill
	// written only if set, no fill value defined.
	fill := []byte{2, 1, 2, 0}
	// Layout message version 3 (spec, "The Data Layout Message"), contiguous.
	layout := make([]byte, 18)
	layout[0], layout[1] = 3, 1
	h5le.PutUint64(layout[2:], dataAddr)
	h5le.PutUint64(layout[10:], uint64(len(raw)))
	return e.objectHeader([]h5msg{{0x01, space}, {0x03, dtype}, {0x05, fill}, {0x08, layout}})
}

// h5vlenStringType is the datatype message (spec, "The Datatype Message") of h5py's
// string_dtype(): variable-length (class 9) UTF-8 string, NUL-terminated
// padding, 16-byte elements, base type unsigned char.
func h5vlenStringType() []byte {
	b := make([]byte, 20)
	b[0] = 1<<4 | 9
	b[1], b[2] = 1, 1 // type string; character set UTF-8
	h5le.PutUint32(b[4:], 16)
	copy(b[8:], h5fixedType(1, false))
	return b
}

// h5fixedType is a little-endian integer datatype message (class 0).
func h5fixedType(size int, signed bool) []byte {
	b := make([]byte, 12)
	b[0] = 1 << 4 // version 1, class 0 (fixed point)
	if signed {
		b[1] = 0x08
	}
	h5le.PutUint32(b[4:], uint32(size))
	h5le.PutUint16(b[10:], uint16(8*size)) // bit offset 0, precision
	return b
}

// h5floatType is a little-endian IEEE 754 datatype message (class 1).
func h5floatType(size int) []byte {
	b := make([]byte, 20)
	b[0] = 1<<4 | 1
	b[1] = 0x20 // mantissa normalization: implied most significant bit
	h5le.PutUint32(b[4:], uint32(size))
	if size == 4 {
		b[2] = 31 // sign bit
		h5le.PutUint16(b[10:], 32)
		b[12], b[13], b[14], b[15] = 23, 8, 0, 23
		h5le.PutUint32(b[16:], 127)
	} else {
		b[2] = 63
		h5le.PutUint16(b[10:], 64)
		b[12], b[13], b[14], b[15] = 52, 11, 0, 52
		h5le.PutUint32(b[16:], 1023)
	}
	return b
}

// h5numeric returns the datatype message and little-endian bytes of values
// stored as dt. The caller has checked that every value fits dt exactly.
func h5numeric(dt DType, values []float64) (dtype, raw []byte) {
	switch dt {
	case Float32:
		raw = make([]byte, 4*len(values))
		for i, v := range values {
			h5le.PutUint32(raw[4*i:], math.Float32bits(float32(v)))
		}
		return h5floatType(4), raw
	case Float64:
		raw = make([]byte, 8*len(values))
		for i, v := range values {
			h5le.PutUint64(raw[8*i:], math.Float64bits(v))
		}
		return h5floatType(8), raw
	}
	size := map[DType]int{Int8: 1, Int16: 2, Int32: 4, Int64: 8}[dt]
	raw = make([]byte, size*len(values))
	for i, v := range values {
		x := uint64(int64(v))
		for k := 0; k < size; k++ {
			raw[size*i+k] = byte(x >> (8 * k))
		}
	}
	return h5fixedType(size, true), raw
}
