package workloads

import (
	"runtime"
	"slices"

	"gonum.org/v1/gonum/stat"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// calibrate runs the calibration images through n and returns, for every
// stage with want[k] set, the positive output activations: one slice per
// output channel if perChannel, else one slice.
func calibrate(n *ann.Net, st []stage, want []bool, calib *mnist.Set, perChannel bool) ([][][]float32, error) {
	const batch = 32
	workers := runtime.GOMAXPROCS(0)
	if _, err := n.NewWorkspace(1); err != nil {
		return nil, err
	}
	chunks := make([][][][]float32, workers) // per worker, per stage, per channel
	ann.ForEachChunk(calib.N, workers, func(w, lo, hi int) {
		ws, _ := n.NewWorkspace(batch) // n is valid: checked above
		pos := make([][][]float32, len(st))
		for k, s := range st {
			if want[k] {
				pos[k] = make([][]float32, chans(s.out, perChannel))
			}
		}
		px := calib.Pixels()
		x := make([]float32, batch*px)
		for b0 := lo; b0 < hi; b0 += batch {
			nb := min(batch, hi-b0)
			for b := range nb {
				calib.Float(b0+b, x[b*px:(b+1)*px])
			}
			n.ForwardBatch(x, nb, ws)
			for k, s := range st {
				if !want[k] {
					continue
				}
				size, plane := s.out.Size(), s.out.H*s.out.W
				act := ws.Acts[s.outIdx][:nb*size]
				for i, v := range act {
					if v > 0 {
						c := 0
						if perChannel {
							c = (i % size) / plane
						}
						pos[k][c] = append(pos[k][c], v)
					}
				}
			}
		}
		chunks[w] = pos
	})
	// Merge in worker (sample) order; the percentile sorts anyway.
	out := make([][][]float32, len(st))
	for k := range st {
		if !want[k] {
			continue
		}
		out[k] = make([][]float32, chans(st[k].out, perChannel))
		for _, pos := range chunks {
			if pos == nil {
				continue
			}
			for c := range out[k] {
				out[k][c] = append(out[k][c], pos[k][c]...)
			}
		}
	}
	return out, nil
}

func chans(s ann.Shape, perChannel bool) int {
	if perChannel {
		return s.C
	}
	return 1
}

// percentile returns the p-th percentile (0 < p <= 100) of the non-empty,
// NaN-free xs by the nearest-rank method: the element of rank ceil(p/100·n)
// in increasing order. gonum's stat.Quantile with the Empirical kind is that
// rule exactly (it returns the first sorted x whose rank i+1 >= p/100·n).
func percentile(xs []float32, p float64) float64 {
	sorted := make([]float64, len(xs))
	for i, v := range xs {
		sorted[i] = float64(v)
	}
	slices.Sort(sorted)
	return stat.Quantile(p/100, stat.Empirical, sorted, nil)
}
