package nir

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"
)

// This file is the only one that talks to the HDF5 library
// (github.com/scigolib/hdf5, pure Go). It works around the library's known
// gaps (see docs/nir.md): variable-length strings are read with
// ReadVLenBytes because ReadStrings handles fixed-length strings only, and
// dataset shapes and element types are parsed from Info() because the
// library has no public accessor for them.

// h5file is an open HDF5 file plus the allocation budget of this read.
type h5file struct {
	f      *hdf5.File
	budget int64 // bytes still allowed for array data
	// refused is set once a dataset was refused for the budget; reading
	// stops there, so that one refusal does not cascade into many problems.
	refused bool
}

// h5group is a group's members by name.
type h5group struct {
	groups   map[string]*hdf5.Group
	datasets map[string]*hdf5.Dataset
}

func members(g *hdf5.Group) h5group {
	m := h5group{groups: map[string]*hdf5.Group{}, datasets: map[string]*hdf5.Dataset{}}
	for _, c := range g.Children() {
		switch o := c.(type) {
		case *hdf5.Group:
			m.groups[strings.TrimSuffix(o.Name(), "/")] = o
		case *hdf5.Dataset:
			m.datasets[o.Name()] = o
		}
	}
	return m
}

// sortedGroupNames returns the names of m's sub-groups in byte order.
func (m h5group) sortedGroupNames() []string {
	names := make([]string, 0, len(m.groups))
	for n := range m.groups {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// dsClass is the HDF5 datatype class of a dataset, as far as NIR needs it.
type dsClass uint8

const (
	classOther dsClass = iota
	classInt
	classFloat
	classVLen // variable-length (h5py's string_dtype)
)

// dsInfo is what Info() tells about a dataset.
type dsInfo struct {
	class    dsClass
	elemSize int
	shape    Shape // empty for scalar
}

// infoPattern matches the library's Info() text, e.g.
// "Dataset: float (size=4 bytes), 2D array [4 x 3], contiguous (...)",
// "Dataset: integer (size=8 bytes), scalar, ..." or
// "Dataset: class_9 (size=16 bytes), 4D array [16 2 5 5], ...".
var infoPattern = regexp.MustCompile(`^Dataset: (\w+) \(size=(\d+) bytes\), (scalar|\d+D array \[([0-9 x]*)\])`)

// parseInfo turns Info() text into a dsInfo.
func parseInfo(s string) (dsInfo, error) {
	m := infoPattern.FindStringSubmatch(s)
	if m == nil {
		return dsInfo{}, fmt.Errorf("unsupported dataset layout or dataspace")
	}
	var di dsInfo
	switch m[1] {
	case "integer":
		di.class = classInt
	case "float":
		di.class = classFloat
	case "class_9":
		di.class = classVLen
	}
	size, err := strconv.Atoi(m[2])
	if err != nil {
		return dsInfo{}, fmt.Errorf("bad element size")
	}
	di.elemSize = size
	di.shape = Shape{}
	if m[3] != "scalar" {
		for _, f := range strings.Fields(strings.ReplaceAll(m[4], "x", " ")) {
			d, err := strconv.ParseUint(f, 10, 63)
			if err != nil || d > math.MaxInt32 {
				return dsInfo{}, fmt.Errorf("dimension out of range")
			}
			di.shape = append(di.shape, int(d))
		}
	}
	return di, nil
}

// elements returns the element count of shape, or false when it exceeds
// limit (checked without overflow).
func elements(s Shape, limit int64) (int64, bool) {
	n := int64(1)
	for _, d := range s {
		if d == 0 {
			return 0, true
		}
		if n > limit/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	return n, n <= limit
}

func (c dsClass) dtype(size int) DType {
	switch {
	case c == classFloat && size == 4:
		return Float32
	case c == classFloat && size == 8:
		return Float64
	case c == classInt && size == 1:
		return Int8
	case c == classInt && size == 2:
		return Int16
	case c == classInt && size == 4:
		return Int32
	case c == classInt && size == 8:
		return Int64
	}
	return DTypeUnknown
}

// readTensor reads a numeric dataset after checking its declared size
// against the remaining budget, so that a huge declared array is refused
// before anything is allocated for it.
func (h *h5file) readTensor(ds *hdf5.Dataset) (Tensor, error) {
	text, err := ds.Info()
	if err != nil {
		return Tensor{}, fmt.Errorf("cannot read dataset header")
	}
	di, err := parseInfo(text)
	if err != nil {
		return Tensor{}, err
	}
	dt := di.class.dtype(di.elemSize)
	if dt == DTypeUnknown {
		return Tensor{}, fmt.Errorf("not a numeric array (only float32/64 and int8..int64 are read; booleans are not)")
	}
	// Each element costs its stored size (the library's raw buffer) plus 8
	// bytes (the float64 result).
	per := int64(di.elemSize + 8)
	n, ok := elements(di.shape, h.budget/per)
	if !ok {
		h.refused = true
		return Tensor{}, fmt.Errorf("declared array %s of %s exceeds the read budget (%d bytes left of Options.MaxBytes); reading stopped", di.shape, dt, h.budget)
	}
	h.budget -= n * per
	data, err := ds.Read()
	if err != nil {
		return Tensor{}, fmt.Errorf("cannot decode array data")
	}
	if int64(len(data)) != n {
		return Tensor{}, fmt.Errorf("array data has %d elements, header declares %d", len(data), n)
	}
	return Tensor{Shape: di.shape, Data: data, DType: dt}, nil
}

// maxStringBytes bounds a string field; NIR's strings are type names,
// padding modes, versions and node names, all short.
const maxStringBytes = 1 << 12

// readStrings reads a variable-length string dataset (scalar or array) in
// row-major order, with its shape.
func (h *h5file) readStrings(ds *hdf5.Dataset) ([]string, Shape, error) {
	text, err := ds.Info()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read dataset header")
	}
	di, err := parseInfo(text)
	if err != nil {
		return nil, nil, err
	}
	if di.class != classVLen {
		return nil, nil, fmt.Errorf("not a variable-length string")
	}
	// A variable-length element is a descriptor of 16 bytes in files with
	// 8-byte offsets (length 4 + global heap ID 12); anything under 4 is
	// malformed (FuzzRead found size 0, a division by zero below).
	if di.elemSize < 4 {
		return nil, nil, fmt.Errorf("variable-length element size %d is invalid", di.elemSize)
	}
	// Before reading, only the per-element descriptors are known (the
	// strings' lengths are in the heap); the string bytes are charged after.
	per := int64(di.elemSize)
	n, ok := elements(di.shape, h.budget/per)
	if !ok {
		h.refused = true
		return nil, nil, fmt.Errorf("declared string array %s exceeds the read budget (%d bytes left of Options.MaxBytes); reading stopped", di.shape, h.budget)
	}
	raw, err := ds.ReadVLenBytes()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot decode string data")
	}
	if int64(len(raw)) != n {
		return nil, nil, fmt.Errorf("string data has %d elements, header declares %d", len(raw), n)
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		if len(b) > maxStringBytes {
			return nil, nil, fmt.Errorf("string %d is longer than %d bytes", i, maxStringBytes)
		}
		out[i] = string(b)
		h.budget -= per + 2*int64(len(b)) // descriptor, library copy, Go string
	}
	if h.budget < 0 {
		h.refused = true
		return nil, nil, fmt.Errorf("strings exceed the read budget (Options.MaxBytes); reading stopped")
	}
	return out, di.shape, nil
}
