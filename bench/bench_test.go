package bench

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// writePeerFiles writes a small network in the peer's export format.
func writePeerFiles(t *testing.T, sizes []int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 1))
	write := func(name string, shape []int, v any) {
		var b bytes.Buffer
		if err := npyfile.Write(&b, shape, v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img := make([]float64, sizes[0])
	for i := range img {
		img[i] = rng.Float64()
	}
	write("image.npy", []int{sizes[0]}, img)
	for l := 0; l+1 < len(sizes); l++ {
		w := make([]float64, sizes[l]*sizes[l+1])
		for i := range w {
			w[i] = (rng.NormFloat64()*0.2 + 0.5) / float64(sizes[l])
		}
		write(fmt.Sprintf("w%d.npy", l), []int{sizes[l], sizes[l+1]}, w)
	}
	return dir
}

// TestBench: events follow the peer's definition exactly (spikes x
// fan-out), and results do not depend on the worker count.
func TestBench(t *testing.T) {
	dir := writePeerFiles(t, []int{40, 30, 5})
	c, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	var first *Result
	for _, w := range []int{1, 2} {
		r, err := Run(context.Background(), Options{Dir: dir, Samples: 5, Steps: 30, Seed: 3, Workers: w, Chip: c, Energy: e})
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
		img, _, err := readFloats(filepath.Join(dir, "image.npy"))
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
	if _, err := Run(context.Background(), Options{Dir: t.TempDir(), Samples: 1, Steps: 1, Chip: c, Energy: e}); err == nil || !strings.Contains(err.Error(), "image.npy") {
		t.Errorf("missing files: %v", err)
	}
}

// TestBenchProvenance: the result records the seed, the chip as used and
// the energy model resolved for that chip, as run --json does.
func TestBenchProvenance(t *testing.T) {
	dir := writePeerFiles(t, []int{12, 4})
	c, _ := chip.Preset("tiny")
	e, _ := energy.Preset("loihi")
	r, err := Run(context.Background(), Options{Dir: dir, Samples: 1, Steps: 3, Seed: 77, Chip: c, Energy: e})
	if err != nil {
		t.Fatal(err)
	}
	if r.Seed != 77 {
		t.Errorf("seed %d, want 77", r.Seed)
	}
	if !reflect.DeepEqual(r.Provenance.ChipConfig, c) {
		t.Errorf("chip config %+v, want %+v", r.Provenance.ChipConfig, c)
	}
	resolved, err := e.ForChip(c.WeightBits, c.SynapseMemoryBytes)
	if err != nil {
		t.Fatal(err)
	}
	want, err := resolved.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(r.Provenance.EnergyConfig, want) {
		t.Errorf("energy config\n%s\nwant (resolved for %s)\n%s", r.Provenance.EnergyConfig, c.Name, want)
	}
}

// TestBenchBadFiles: each malformed export is a one-line error naming the
// file at fault.
func TestBenchBadFiles(t *testing.T) {
	c, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	put := func(dir, name string, shape []int, v any) {
		var b bytes.Buffer
		if err := npyfile.Write(&b, shape, v); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		edit func(dir string)
		want string
	}{
		{"short image", func(d string) { os.Truncate(filepath.Join(d, "image.npy"), 128+39*8) }, "image.npy: data: 312 bytes after the header, shape [40] of <f8 needs 320"},
		{"int weights", func(d string) { put(d, "w0.npy", []int{40, 30}, make([]int32, 1200)) }, "w0.npy has dtype <i4, want float64 or float32"},
		{"wrong fan-in", func(d string) { put(d, "w1.npy", []int{29, 5}, make([]float64, 145)) }, "w1.npy has shape [29 5], want (30, fan_out)"},
		{"all zeros", func(d string) { put(d, "w1.npy", []int{30, 5}, make([]float32, 150)) }, "w1.npy is all zeros"},
		{"probability", func(d string) { put(d, "image.npy", []int{40}, append([]float64{2}, make([]float64, 39)...)) }, "image.npy[0] = 2, want a probability in [0, 1]"},
		{"not npy", func(d string) { os.WriteFile(filepath.Join(d, "w0.npy"), []byte("hello"), 0o644) }, "w0.npy: header: truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writePeerFiles(t, []int{40, 30, 5})
			tc.edit(dir)
			_, err := Run(context.Background(), Options{Dir: dir, Samples: 1, Steps: 1, Chip: c, Energy: e})
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, tc.want)
			}
		})
	}
}
