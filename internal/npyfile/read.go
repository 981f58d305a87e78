package npyfile

import (
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

// ReadFile reads the .npy file at path, refusing files larger than
// maxBytes before reading them.
func ReadFile(path string, maxBytes int64) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("npyfile: %w", err)
	}
	if st.Size() > maxBytes {
		return nil, fmt.Errorf("npyfile: %s: file is %d bytes, limit is %d", path, st.Size(), maxBytes)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("npyfile: %s: %w", path, err)
	}
	if int64(len(b)) > maxBytes {
		return nil, fmt.Errorf("npyfile: %s: file grew past the limit of %d bytes while being read", path, maxBytes)
	}
	return Decode(path, b)
}

// Decode decodes a whole .npy file held in b; name is used in errors.
func Decode(name string, b []byte) (*Array, error) {
	a, err := decode(b)
	if err != nil {
		return nil, fmt.Errorf("npyfile: %s: %w", name, err)
	}
	return a, nil
}

// decodeHeader validates the header at the start of b (which may be a
// prefix of the file) and returns it with the offset of the data.
func decodeHeader(b []byte) (Header, int, error) {
	dict, off, err := parsePrefix(b)
	if err != nil {
		return Header{}, 0, err
	}
	h, err := parseDict(dict)
	return h, off, err
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

func decode(b []byte) (*Array, error) {
	h, off, err := decodeHeader(b)
	if errors.Is(err, errShort) {
		return nil, errors.New("header: truncated (the file ends inside it)")
	}
	if err != nil {
		return nil, err
	}
	if err := checkSize(h, int64(len(b)-off)); err != nil {
		return nil, err
	}
	// The header is valid and the data has exactly the declared size, so
	// npyio decodes the elements from a canonical header it can parse
	// (its own parser needs numpy's key order and version 1 or 2).
	var canon bytes.Buffer
	writeHeader(&canon, h)
	r, err := npy.NewReader(io.MultiReader(&canon, bytes.NewReader(b[off:])))
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	var arr npy.Array
	if err := r.Read(&arr); err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return &Array{Header: h, Data: arr.Data()}, nil
}
