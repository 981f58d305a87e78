package npyfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxHeaderBytes bounds the header dictionary (including padding and the
// final newline). numpy itself refuses headers over 10,000 bytes by default
// (numpy.lib.format, _MAX_HEADER_SIZE); 64 KiB leaves room for any shape
// while keeping a hostile header cheap to reject.
const MaxHeaderBytes = 64 << 10

// magic opens every .npy file (numpy.lib.format, "Format Version 1.0").
const magic = "\x93NUMPY"

// DType is an element type accepted by this package: little-endian
// booleans, integers and IEEE floats, the types numpy.save writes for the
// arrays spikemesh exchanges.
type DType uint8

// The accepted element types; each String is its numpy descr.
const (
	Bool DType = iota + 1
	Int8
	Int16
	Int32
	Int64
	Uint8
	Uint16
	Uint32
	Uint64
	Float16
	Float32
	Float64
)

var dtypeDescr = [...]string{
	Bool: "|b1", Int8: "|i1", Int16: "<i2", Int32: "<i4", Int64: "<i8",
	Uint8: "|u1", Uint16: "<u2", Uint32: "<u4", Uint64: "<u8",
	Float16: "<f2", Float32: "<f4", Float64: "<f8",
}

var dtypeSize = [...]int{
	Bool: 1, Int8: 1, Int16: 2, Int32: 4, Int64: 8,
	Uint8: 1, Uint16: 2, Uint32: 4, Uint64: 8,
	Float16: 2, Float32: 4, Float64: 8,
}

// String returns the numpy descr, such as "<f4".
func (d DType) String() string {
	if d < Bool || d > Float64 {
		return "invalid"
	}
	return dtypeDescr[d]
}

// Size is the item size in bytes.
func (d DType) Size() int {
	if d < Bool || d > Float64 {
		return 0
	}
	return dtypeSize[d]
}

// dtypeFromDescr maps a descr to a DType. Single-byte types may be written
// with '|', '<' or '=' (numpy writes '|'); wider ones must be little-endian
// ('<').
func dtypeFromDescr(s string) (DType, bool) {
	if len(s) == 3 && s[2] == '1' && (s[0] == '<' || s[0] == '=') {
		s = "|" + s[1:]
	}
	for d := Bool; d <= Float64; d++ {
		if dtypeDescr[d] == s {
			return d, true
		}
	}
	return 0, false
}

// Header describes one array.
type Header struct {
	DType   DType
	Fortran bool  // data in column-major order
	Shape   []int // empty for a 0-d array
}

// Len is the number of elements (1 for a 0-d array).
func (h Header) Len() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

// dataBytes is Len()*DType.Size(), or -1 if that exceeds limit (checked
// step by step, so the product cannot overflow).
func (h Header) dataBytes(limit int64) int64 {
	n := int64(h.DType.Size())
	for _, d := range h.Shape {
		if d == 0 {
			return 0
		}
		if n > limit/int64(d) {
			return -1
		}
		n *= int64(d)
	}
	if n > limit {
		return -1
	}
	return n
}

// errShort reports a header cut off by the end of the input.
var errShort = errors.New("file ends inside the header")

// parsePrefix validates magic, version and header length and returns the
// header dictionary text (padding and newline included) and the offset of
// the data. b may hold only a prefix of the file; errShort says it was too
// short.
func parsePrefix(b []byte) (dict []byte, dataOff int, err error) {
	if len(b) < len(magic)+2 {
		return nil, 0, errShort
	}
	if string(b[:len(magic)]) != magic {
		return nil, 0, errors.New("magic: not an NPY array (the file does not start with \\x93NUMPY)")
	}
	major, minor := b[6], b[7]
	var n, off int
	switch {
	case major == 1 && minor == 0:
		if len(b) < 10 {
			return nil, 0, errShort
		}
		n, off = int(binary.LittleEndian.Uint16(b[8:])), 10
	case (major == 2 || major == 3) && minor == 0:
		if len(b) < 12 {
			return nil, 0, errShort
		}
		v := binary.LittleEndian.Uint32(b[8:])
		if v > MaxHeaderBytes {
			return nil, 0, fmt.Errorf("header_len: %d bytes, limit is %d", v, MaxHeaderBytes)
		}
		n, off = int(v), 12
	default:
		return nil, 0, fmt.Errorf("version: %d.%d, supported are 1.0, 2.0 and 3.0", major, minor)
	}
	if n > MaxHeaderBytes {
		return nil, 0, fmt.Errorf("header_len: %d bytes, limit is %d", n, MaxHeaderBytes)
	}
	if len(b) < off+n {
		return nil, 0, errShort
	}
	return b[off : off+n], off + n, nil
}

// parseDict parses the header dictionary, a Python literal such as
// "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" followed by
// spaces and one '\n'.
func parseDict(text []byte) (Header, error) {
	var h Header
	if len(text) == 0 || text[len(text)-1] != '\n' {
		return h, errors.New("header: does not end with a newline")
	}
	p := &dictParser{s: string(text[:len(text)-1])}
	p.space()
	if !p.eat('{') {
		return h, errors.New("header: not a dictionary (no opening '{')")
	}
	seen := map[string]bool{}
	for {
		p.space()
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return h, errors.New("header: a key is not a quoted string")
		}
		if seen[key] {
			return h, fmt.Errorf("header: key %s appears twice", safeKey(key))
		}
		seen[key] = true
		p.space()
		if !p.eat(':') {
			return h, fmt.Errorf("header: no ':' after key %s", safeKey(key))
		}
		p.space()
		switch key {
		case "descr":
			s, ok := p.str()
			if !ok {
				return h, errors.New("descr: not a quoted string (structured dtypes are not accepted)")
			}
			d, ok := dtypeFromDescr(s)
			if !ok {
				return h, errors.New("descr: not an accepted dtype (little-endian bool, int8..int64, uint8..uint64, float16, float32, float64)")
			}
			h.DType = d
		case "fortran_order":
			switch {
			case p.word("True"):
				h.Fortran = true
			case p.word("False"):
				h.Fortran = false
			default:
				return h, errors.New("fortran_order: not True or False")
			}
		case "shape":
			shape, err := p.tuple()
			if err != nil {
				return h, err
			}
			h.Shape = shape
		default:
			return h, fmt.Errorf("header: unknown key %s (expected descr, fortran_order, shape)", safeKey(key))
		}
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat('}') {
			return h, errors.New("header: expected ',' or '}' after a value")
		}
		break
	}
	if strings.TrimRight(p.s[p.i:], " ") != "" {
		return h, errors.New("header: unexpected text after the dictionary")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("%s: missing from the header", k)
		}
	}
	return h, nil
}

// safeKey names a key for an error message: known keys are printed, others
// are not echoed.
func safeKey(k string) string {
	switch k {
	case "descr", "fortran_order", "shape":
		return "'" + k + "'"
	}
	return fmt.Sprintf("(%d bytes)", len(k))
}

// dictParser is a cursor over the header text. The grammar is the small
// subset of Python literals numpy.lib.format writes; a general Python
// literal parser would be far larger than the three value kinds needed.
type dictParser struct {
	s string
	i int
}

func (p *dictParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a string in single or double quotes without escapes.
func (p *dictParser) str() (string, bool) {
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	s := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(s, '\\') >= 0 {
		return "", false
	}
	p.i += end + 2
	return s, true
}

// tuple reads "()", "(n,)" or "(n, m, ...)" with optional trailing comma.
func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("shape: not a tuple")
	}
	shape := []int{}
	for {
		p.space()
		if p.eat(')') {
			break
		}
		if len(shape) >= 64 { // numpy's NPY_MAXDIMS
			return nil, errors.New("shape: more than 64 dimensions")
		}
		start := p.i
		if p.eat('-') {
			return nil, errors.New("shape: a dimension is negative")
		}
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, errors.New("shape: a dimension is not a non-negative integer")
		}
		d, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || d > math.MaxInt32 {
			return nil, fmt.Errorf("shape: a dimension exceeds %d", math.MaxInt32)
		}
		shape = append(shape, int(d))
		p.space()
		if p.eat(',') {
			continue
		}
		p.space()
		if !p.eat(')') {
			return nil, errors.New("shape: expected ',' or ')'")
		}
		break
	}
	if len(shape) == 1 && !strings.HasSuffix(strings.TrimRight(p.s[:p.i-1], " "), ",") {
		return nil, errors.New("shape: one-element tuple without its trailing comma")
	}
	return shape, nil
}
