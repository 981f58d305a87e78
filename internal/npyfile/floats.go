package npyfile

import "codeberg.org/sbinet/npyio/npy/float16"

// Float64s converts a decoded array's values (Array.Data: a slice of bool,
// int8..int64, uint8..uint64, float16.Num, float32 or float64) to float64;
// a []float64 is returned as is. ok is false for any other type.
func Float64s(v any) (out []float64, ok bool) {
	switch x := v.(type) {
	case []float64:
		return x, true
	case []float32:
		return convert(x), true
	case []float16.Num:
		out = make([]float64, len(x))
		for i, h := range x {
			out[i] = float64(h.Float32())
		}
		return out, true
	case []int8:
		return convert(x), true
	case []int16:
		return convert(x), true
	case []int32:
		return convert(x), true
	case []int64:
		return convert(x), true
	case []uint8:
		return convert(x), true
	case []uint16:
		return convert(x), true
	case []uint32:
		return convert(x), true
	case []uint64:
		return convert(x), true
	case []bool:
		out = make([]float64, len(x))
		for i, b := range x {
			if b {
				out[i] = 1
			}
		}
		return out, true
	}
	return nil, false
}

func convert[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64 | float32](x []T) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
