package ann

import (
	"fmt"
	"math"
	"strings"

	"codeberg.org/sbinet/npyio/npy/float16"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// readFloats reads a float16, float32 or float64 array (C or Fortran order)
// as float32 in C order and rejects NaN and ±Inf, naming the element.
func readFloats(z *npyfile.Archive, key string) ([]float32, error) {
	arr, err := z.Read(key)
	if err != nil {
		return nil, err
	}
	shape := arr.Shape
	var out []float32
	switch v := arr.Data.(type) {
	case []float16.Num:
		out = make([]float32, len(v))
		for i, h := range v {
			out[i] = HalfToFloat32(h.Uint16())
		}
	case []float32:
		out = v
	case []float64:
		out = make([]float32, len(v))
		for i, x := range v {
			if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
				return nil, fmt.Errorf("element %s = %g overflows float32", index(shape, i), x)
			}
			out[i] = float32(x)
		}
	default:
		return nil, fmt.Errorf("dtype %s is not a float (expected float16, float32 or float64)", arr.DType)
	}
	if arr.Fortran && len(shape) > 1 {
		out = fortranToC(out, shape)
	}
	for i, v := range out {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("element %s is %v; weights must be finite", index(shape, i), v)
		}
	}
	return out, nil
}

// index formats flat C-order index i of an array of the given shape as
// "[i0, i1, ...]".
func index(shape []int, i int) string {
	idx := make([]string, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = fmt.Sprint(i % max(shape[d], 1))
		i /= max(shape[d], 1)
	}
	return "[" + strings.Join(idx, ", ") + "]"
}

// fortranToC reorders a column-major array of the given shape to row-major.
func fortranToC(x []float32, shape []int) []float32 {
	out := make([]float32, len(x))
	nd := len(shape)
	idx := make([]int, nd)
	for c := range out {
		// Fortran offset of the multi-index idx.
		f, stride := 0, 1
		for d := range nd {
			f += idx[d] * stride
			stride *= shape[d]
		}
		out[c] = x[f]
		for d := nd - 1; d >= 0; d-- { // advance idx in C order
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// HalfToFloat32 converts IEEE 754 binary16 bits to float32 exactly
// (subnormals, infinities and NaN included). npyio decodes float16 arrays
// into its float16.Num, but Num.Float32 (npyio v0.14.0) maps half-precision
// subnormals to float32 subnormals 2^112 times too small, so the
// conversion stays hand-written (TestHalfToFloat32 pins the difference).
func HalfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac * 2^-24
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	}
}
