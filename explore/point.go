package explore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// Point is one point of a space.
type Point struct {
	Index   int64 // position in the grid; the first parameter varies slowest
	Choice  []int // index into each parameter's values
	Config  PointConfig
	Key     string // hash of Config (configKey)
	Invalid string // why Config is not a valid configuration; "" when it is
}

// PointAt returns the point at a grid index in [0, Size()).
func (s *Space) PointAt(index int64) Point {
	choice := make([]int, len(s.Params))
	r := index
	for i := len(s.Params) - 1; i >= 0; i-- {
		n := int64(len(s.Params[i].Values))
		choice[i] = int(r % n)
		r /= n
	}
	return s.pointFromChoice(choice)
}

// indexOf is the grid index of a choice of values.
func (s *Space) indexOf(choice []int) int64 {
	var idx int64
	for i, c := range choice {
		idx = idx*int64(len(s.Params[i].Values)) + int64(c)
	}
	return idx
}

func (s *Space) pointFromChoice(choice []int) Point {
	pt := Point{Index: s.indexOf(choice), Choice: choice, Config: s.Base}
	var errs []string
	for i, p := range s.Params {
		if err := p.def.set(&pt.Config, p.Values[choice[i]]); err != nil {
			errs = append(errs, fmt.Sprintf("%s %s: %s", p.Name, p.Format(choice[i]), oneLine(err)))
		}
	}
	if len(errs) == 0 {
		if err := pt.Config.Validate(); err != nil {
			errs = append(errs, oneLine(err))
		}
	}
	if len(errs) > 0 {
		pt.Invalid = "invalid configuration: " + strings.Join(errs, "; ")
	}
	pt.Key = configKey(&pt.Config)
	return pt
}

// params renders the point's parameter values by name.
func (s *Space) params(choice []int) map[string]string {
	m := make(map[string]string, len(s.Params))
	for i, p := range s.Params {
		m[p.Name] = p.Format(choice[i])
	}
	return m
}

// configKey is the hex SHA-256 (first 128 bits) of a configuration's JSON
// encoding. encoding/json writes struct fields in declaration order and
// floats in their shortest exact form, so equal configurations give equal
// keys on every machine.
func configKey(pc *PointConfig) string { return hashJSON(pc) }

func hashJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil { // plain, validated data cannot fail; keep keys distinct if it does
		b = fmt.Appendf(nil, "%#v", v)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:16])
}

// Result is one evaluated point: a line of points.jsonl.
// plan lists the points of a grid or random sweep in index order.
func (s *Space) plan() []Point {
	size := s.Size()
	var idx []int64
	switch s.Strategy.Kind {
	case StrategyRandom:
		idx = sampleIndices(size, s.Strategy.Points, newRand(s.Strategy.Seed, 0))
	default:
		idx = make([]int64, size)
		for i := range idx {
			idx[i] = int64(i)
		}
	}
	pts := make([]Point, len(idx))
	for i, k := range idx {
		pts[i] = s.PointAt(k)
	}
	return pts
}

// newRand is a PCG generator for one purpose (stream) of a seed.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5eed_0000_0000_0000^stream))
}

// math/rand/v2 has Perm, which needs memory for all n indices; grid spaces
// reach 2^62 points, so sparse draws use rejection instead.
//
// sampleIndices draws k distinct indices from [0, n) uniformly and
// returns them sorted; all of them when k >= n.
func sampleIndices(n int64, k int, rng *rand.Rand) []int64 {
	if int64(k) >= n {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i)
		}
		return out
	}
	seen := make(map[int64]bool, k)
	out := make([]int64, 0, k)
	if n <= 4*int64(k) { // dense: a partial Fisher-Yates shuffle
		perm := make([]int64, n)
		for i := range perm {
			perm[i] = int64(i)
		}
		for i := 0; i < k; i++ {
			j := int64(i) + rng.Int64N(n-int64(i))
			perm[i], perm[j] = perm[j], perm[i]
		}
		out = append(out, perm[:k]...)
	} else { // sparse: rejection, expected < 4/3 draws per index
		for len(out) < k {
			v := rng.Int64N(n)
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return out
}
