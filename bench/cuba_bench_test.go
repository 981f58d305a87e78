package bench

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// writeSyntheticCuba writes an export of the size and statistics of
// cuba.py's network, drawn here (not Brian2's draw): n neurons, the first
// 80 % excitatory, each ordered pair i->j connected with probability 2 %,
// v0 uniform in [Vr, Vt), the parameters of cuba.py.
func writeSyntheticCuba(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	ne := n * 4 / 5
	b, err := json.Marshal(cubaParams(n, ne))
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), b, 0o644); err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2024, 12))
	var ePre, ePost, iPre, iPost []int64
	for i := range n {
		for j := range n {
			if rng.Float64() >= 0.02 {
				continue
			}
			if i < ne {
				ePre, ePost = append(ePre, int64(i)), append(ePost, int64(j))
			} else {
				iPre, iPost = append(iPre, int64(i)), append(iPost, int64(j))
			}
		}
	}
	v0 := make([]float64, n)
	for i := range v0 {
		v0[i] = -0.060 + rng.Float64()*0.010
	}
	writeNpy(tb, dir, "exc_pre.npy", []int{len(ePre)}, ePre)
	writeNpy(tb, dir, "exc_post.npy", []int{len(ePost)}, ePost)
	writeNpy(tb, dir, "inh_pre.npy", []int{len(iPre)}, iPre)
	writeNpy(tb, dir, "inh_post.npy", []int{len(iPost)}, iPost)
	writeNpy(tb, dir, "v0.npy", []int{n}, v0)
	return dir
}

// BenchmarkCUBA runs a synthetic network of cuba.py's size and
// statistics (4000 lif-2syn neurons, 2 % connectivity, self-driven) for
// 0.1 s of biological time (1000 steps) on the loihi preset, through
// RunCuba as `spikemesh bench --network cuba` does, with 1 and 2
// workers. It reports the peer's synaptic events per second of the
// simulation loop, and the loop's wall time and process CPU time per
// neuron update (the CPU time is the steadier figure on a shared machine).
func BenchmarkCUBA(b *testing.B) {
	dir := writeSyntheticCuba(b, 4000)
	c, err := chip.Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[w], func(b *testing.B) {
			var events uint64
			var loop, cpu float64
			var updates int
			for range b.N {
				r, err := RunCuba(context.Background(), CubaOptions{Dir: dir, Duration: 0.1, Workers: w, Chip: c, Energy: e})
				if err != nil {
					b.Fatal(err)
				}
				events += r.SynapticEvents
				loop += r.RunSeconds
				cpu += r.RunCPUSeconds
				updates += r.Steps * r.Neurons
			}
			b.ReportMetric(float64(events)/loop, "events/s")
			b.ReportMetric(loop*1e9/float64(updates), "ns/neuron-update")
			b.ReportMetric(cpu*1e9/float64(updates), "cpu-ns/neuron-update")
		})
	}
}
