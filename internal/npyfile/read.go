package npyfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"codeberg.org/sbinet/npyio/npy"
)

// Array is a decoded array. Data holds the elements in file order (see
// Header.Fortran) as []bool, []int8, []int16, []int32, []int64, []uint8,
// []uint16, []uint32, []uint64, []float16.Num (package
// codeberg.org/sbinet/npyio/npy/float16), []float32 or []float64, as
// Header.DType says.
type Array struct {
	Header
	Data any
}

// ReadFile reads the .npy file at path, refusing anything but a regular
// file, and files larger than maxBytes, before reading them. The data streams from the file into the
// result, so memory use is the array plus a small buffer.
func ReadFile(path string, maxBytes int64) (*Array, error) {
	// Refuse directories, devices and FIFOs before opening: opening a FIFO
	// blocks until a writer appears, and /dev/zero never ends.
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("npyfile: %s is not a regular file (mode %s)", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	}
	if !st.Mode().IsRegular() { // replaced between Stat and Open
		return nil, fmt.Errorf("npyfile: %s is not a regular file (mode %s)", path, st.Mode().Type())
	}
	if st.Size() > maxBytes {
		return nil, fmt.Errorf("npyfile: %s: file is %d bytes, limit is %d", path, st.Size(), maxBytes)
	}
	a, err := readStream(io.LimitReader(f, st.Size()+1), st.Size())
	if err != nil {
		return nil, fmt.Errorf("npyfile: %s: %w", path, err)
	}
	return a, nil
}

// Decode decodes a whole .npy file held in b; name is used in errors.
func Decode(name string, b []byte) (*Array, error) {
	a, err := readStream(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("npyfile: %s: %w", name, err)
	}
	return a, nil
}

// readHeader reads and validates the header from r, whose total size is
// size bytes, and checks the declared data size against the rest. It
// returns the header and the data bytes it read past the header.
func readHeader(r io.Reader, size int64) (Header, []byte, error) {
	prefix := make([]byte, min(size, 12+MaxHeaderBytes)) // bounded by a constant
	n, err := io.ReadFull(r, prefix)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Header{}, nil, fmt.Errorf("header: %w", err)
	}
	prefix = prefix[:n]
	dict, off, err := parsePrefix(prefix)
	if errors.Is(err, errShort) {
		return Header{}, nil, errors.New("header: truncated (the input ends inside it)")
	}
	if err != nil {
		return Header{}, nil, err
	}
	h, err := parseDict(dict)
	if err != nil {
		return Header{}, nil, err
	}
	if err := checkSize(h, size-int64(off)); err != nil {
		return Header{}, nil, err
	}
	return h, prefix[off:], nil
}

// readStream reads a whole .npy from r, whose size is claimed to be size
// bytes: the header is validated against size before anything else is
// allocated, and r must end exactly after the data.
func readStream(r io.Reader, size int64) (*Array, error) {
	h, head, err := readHeader(r, size)
	if err != nil {
		return nil, err
	}
	data := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(head), r), 64<<10)
	v, err := decodeData(h, data)
	if err != nil {
		return nil, err
	}
	var one [1]byte
	switch k, err := io.ReadFull(data, one[:]); {
	case k > 0:
		return nil, errors.New("data: more bytes than the header declares")
	case err != nil && !errors.Is(err, io.EOF):
		return nil, fmt.Errorf("data: %w", err)
	}
	return &Array{Header: h, Data: v}, nil
}

// checkSize checks that the header's data size equals n, the bytes after
// the header.
func checkSize(h Header, n int64) error {
	want := h.dataBytes(math.MaxInt64)
	switch {
	case want < 0:
		return fmt.Errorf("shape: %v of %s declares more than 2^63 bytes", h.Shape, h.DType)
	case want != n:
		return fmt.Errorf("data: %d bytes after the header, shape %v of %s needs %d", n, h.Shape, h.DType, want)
	}
	return nil
}

// decodeData has npyio decode the elements of h from data. The header is
// already validated and the data size checked, so npyio is handed a
// canonical header it can parse (its parser needs numpy's key order and
// version 1 or 2).
func decodeData(h Header, data io.Reader) (any, error) {
	var canon bytes.Buffer
	writeHeader(&canon, h)
	r, err := npy.NewReader(io.MultiReader(&canon, data))
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var v any
	// Typed slices stream element by element; npy.Array would first copy
	// all the data into one buffer. float16 has no typed path in npyio.
	switch h.DType {
	case Bool:
		v, err = readAs[bool](r)
	case Int8:
		v, err = readAs[int8](r)
	case Int16:
		v, err = readAs[int16](r)
	case Int32:
		v, err = readAs[int32](r)
	case Int64:
		v, err = readAs[int64](r)
	case Uint8:
		v, err = readAs[uint8](r)
	case Uint16:
		v, err = readAs[uint16](r)
	case Uint32:
		v, err = readAs[uint32](r)
	case Uint64:
		v, err = readAs[uint64](r)
	case Float32:
		v, err = readAs[float32](r)
	case Float64:
		v, err = readAs[float64](r)
	case Float16:
		var arr npy.Array
		err = r.Read(&arr)
		v = arr.Data()
	}
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, errors.New("data: truncated (the input ends inside it)")
		}
		return nil, fmt.Errorf("data: %w", err)
	}
	return v, nil
}

func readAs[T any](r *npy.Reader) ([]T, error) {
	var x []T
	err := r.Read(&x)
	if x == nil {
		x = []T{}
	}
	return x, err
}
