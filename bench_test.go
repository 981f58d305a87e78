package spikemesh

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// writePeerFiles writes a small network in the peer's export format.
func writePeerFiles(t *testing.T, sizes []int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 1))
	write := func(name string, v any) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := npy.Write(f, v); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	img := make([]float64, sizes[0])
	for i := range img {
		img[i] = rng.Float64()
	}
	write("image.npy", img)
	for l := 0; l+1 < len(sizes); l++ {
		w := make([][]float64, sizes[l])
		for i := range w {
			w[i] = make([]float64, sizes[l+1])
			for j := range w[i] {
				w[i][j] = (rng.NormFloat64()*0.2 + 0.5) / float64(sizes[l])
			}
		}
		write("w"+string(rune('0'+l))+".npy", w)
	}
	return dir
}

// TestBench: events follow the peer's definition exactly (spikes x
// fan-out), and results do not depend on the worker count.
func TestBench(t *testing.T) {
	dir := writePeerFiles(t, []int{40, 30, 5})
	c, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	var first *BenchResult
	for _, w := range []int{1, 2} {
		r, err := Bench(context.Background(), BenchOptions{Dir: dir, Samples: 5, Steps: 30, Seed: 3, Workers: w, Chip: c, Energy: e})
		if err != nil {
			t.Fatal(err)
		}
		if want := r.LayerSpikes[0]*30 + r.LayerSpikes[1]*5; r.SynapticEvents != want || want == 0 {
			t.Errorf("events %d, want %d", r.SynapticEvents, want)
		}
		if r.LayerSpikes[2] == 0 || r.Synapses != 40*30+30*5 {
			t.Errorf("spikes %v synapses %d", r.LayerSpikes, r.Synapses)
		}
		// The input is Bernoulli(p_i) per input and step: its count must
		// be within 5 standard deviations of the mean.
		img, _, err := readNPYFloat(filepath.Join(dir, "image.npy"))
		if err != nil {
			t.Fatal(err)
		}
		var mean, variance float64
		for _, p := range img {
			mean += p * 5 * 30
			variance += p * (1 - p) * 5 * 30
		}
		if d := float64(r.LayerSpikes[0]) - mean; d*d > 25*variance {
			t.Errorf("%d input spikes, want %.0f +- 5 x %.1f", r.LayerSpikes[0], mean, math.Sqrt(variance))
		}
		if first == nil {
			first = r
		} else if first.SynapticEvents != r.SynapticEvents || first.ChipCyclesPerRun != r.ChipCyclesPerRun {
			t.Errorf("workers=%d changed results", w)
		}
	}
	if _, err := Bench(context.Background(), BenchOptions{Dir: t.TempDir(), Samples: 1, Steps: 1, Chip: c, Energy: e}); err == nil || !strings.Contains(err.Error(), "image.npy") {
		t.Errorf("missing files: %v", err)
	}
}
