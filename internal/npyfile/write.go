package npyfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Write writes data as a version 1.0, little-endian, C-order .npy array of
// the given shape. data is a []bool, []int8, []int16, []int32, []int64,
// []uint8, []uint16, []uint32, []uint64, []float32 or []float64 whose
// length is the product of shape.
//
// The header is written here rather than by npyio's npy.Write because
// npy.Write takes the shape from nested Go slices only and pads the header
// differently from numpy.save (to 16 rather than 64 bytes), which would
// change the bytes of files the project commits.
func Write(w io.Writer, shape []int, data any) error {
	var d DType
	var n int
	switch v := data.(type) {
	case []bool:
		d, n = Bool, len(v)
	case []int8:
		d, n = Int8, len(v)
	case []int16:
		d, n = Int16, len(v)
	case []int32:
		d, n = Int32, len(v)
	case []int64:
		d, n = Int64, len(v)
	case []uint8:
		d, n = Uint8, len(v)
	case []uint16:
		d, n = Uint16, len(v)
	case []uint32:
		d, n = Uint32, len(v)
	case []uint64:
		d, n = Uint64, len(v)
	case []float32:
		d, n = Float32, len(v)
	case []float64:
		d, n = Float64, len(v)
	default:
		return fmt.Errorf("npyfile: cannot write %T", data)
	}
	h := Header{DType: d, Shape: shape}
	for _, s := range shape {
		if s < 0 {
			return fmt.Errorf("npyfile: shape %v has a negative dimension", shape)
		}
	}
	if h.Len() != n {
		return fmt.Errorf("npyfile: shape %v holds %d elements, data has %d", shape, h.Len(), n)
	}
	var buf bytes.Buffer
	writeHeader(&buf, h)
	buf.Grow(n * d.Size())
	// encoding/binary writes a slice of fixed-size values in one call.
	if err := binary.Write(&buf, binary.LittleEndian, data); err != nil {
		return fmt.Errorf("npyfile: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("npyfile: %w", err)
	}
	return nil
}

// writeHeader writes a version 1.0 header for h, padded with spaces so
// that the data starts at a multiple of 64 bytes, as numpy.save does
// (numpy.lib.format, ARRAY_ALIGN = 64).
func writeHeader(b *bytes.Buffer, h Header) {
	order := "False"
	if h.Fortran {
		order = "True"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", h.DType, order, shapeString(h.Shape))
	total := 10 + len(dict) + 1 // magic(6) + version(2) + length(2) + dict + '\n'
	pad := (64 - total%64) % 64
	b.WriteString(magic)
	b.Write([]byte{1, 0})
	b.Write(binary.LittleEndian.AppendUint16(nil, uint16(len(dict)+pad+1)))
	b.WriteString(dict)
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteByte('\n')
}

// shapeString formats a shape as a Python tuple: "()", "(3,)", "(3, 4)".
func shapeString(shape []int) string {
	p := make([]string, len(shape))
	for i, v := range shape {
		p[i] = strconv.Itoa(v)
	}
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + p[0] + ",)"
	}
	return "(" + strings.Join(p, ", ") + ")"
}
