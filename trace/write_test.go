package trace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npy"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
)

// onEvery sends channels 0..n-1 at every timestep.
type onEvery int

func (n onEvery) Events(_ int, dst []chip.InputEvent) []chip.InputEvent {
	for ch := range int(n) {
		dst = append(dst, chip.InputEvent{Channel: int32(ch), Magnitude: 1})
	}
	return dst
}

// tracedRun simulates a two-layer network on the tiny preset for T
// timesteps and samples samples with a trace attached.
func tracedRun(t *testing.T) (tr *chip.Trace, m *chip.Mapping, cycles uint64) {
	t.Helper()
	cfg, err := chip.Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	w := make([]int8, 4*3)
	for i := range w {
		w[i] = int8(1 + i%3)
	}
	net := &chip.Network{Name: "t", Inputs: 4, Layers: []chip.Layer{
		{Name: "hid/1", Size: 3, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}, Weights: w},
		{Name: "out", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 3}, Weights: []int8{1, 2, 2, 1, 1, 1}},
	}}
	m, err = chip.Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := chip.NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	T, samples := tracedT, tracedSamples
	tr = sim.EnableTrace(T)
	for range samples {
		res, err := sim.Run(context.Background(), onEvery(4), T)
		if err != nil {
			t.Fatal(err)
		}
		cycles += res.Cycles
	}
	return tr, m, cycles
}

const tracedT, tracedSamples = 6, 2

// TestWriteNeurons: the per-layer .npy files hold the chip's
// per-neuron records with their shapes, a raster sums to the counts, and
// the heatmap is written as PNG and SVG.
func TestWriteNeurons(t *testing.T) {
	const T, samples = tracedT, tracedSamples
	tr, m, cycles := tracedRun(t)
	dir := t.TempDir()
	if err := Write(dir, tr, m, cycles); err != nil {
		t.Fatal(err)
	}
	for l, name := range []string{"L0_hid_1.npy", "L1_out.npy"} {
		n := tr.Sizes[l]
		var counts []int32
		shape := readNpy(t, filepath.Join(dir, "neuron_counts_"+name), &counts)
		if want := []int{samples, n}; !reflect.DeepEqual(shape, want) || !reflect.DeepEqual(counts, tr.NeuronCounts[l]) {
			t.Errorf("%s: shape %v counts %v, want %v %v", name, shape, counts, want, tr.NeuronCounts[l])
		}
		var raster []int8
		shape = readNpy(t, filepath.Join(dir, "neuron_raster_"+name), &raster)
		if want := []int{samples, T, n}; !reflect.DeepEqual(shape, want) {
			t.Errorf("%s raster: shape %v, want %v", name, shape, want)
		}
		sum := make([]int32, samples*n)
		for i, x := range raster {
			s, ni := i/(T*n), i%n
			sum[s*n+ni] += int32(x)
		}
		if !reflect.DeepEqual(sum, counts) {
			t.Errorf("%s: raster sums %v, counts %v", name, sum, counts)
		}
		total := int32(0)
		for _, c := range counts {
			total += c
		}
		if total == 0 {
			t.Errorf("%s: no spikes; the test would be vacuous", name)
		}
	}
	for _, name := range []string{"link_utilization.png", "link_utilization.svg"} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// readNpy reads a .npy file into ptr and returns its shape.
func readNpy(t *testing.T, name string, ptr any) []int {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := npy.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := r.Read(ptr); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return r.Header.Descr.Shape
}

// TestWriteIncomplete: a file that cannot be written (its name is taken by
// a directory, as a full disk would fail it) stops Write with an
// *IncompleteError that names what was written and what was not, and a
// stale temporary file of an earlier, killed run is removed.
func TestWriteIncomplete(t *testing.T) {
	tr, m, cycles := tracedRun(t)
	dir := t.TempDir()
	stale := filepath.Join(dir, ".tmp-cores.csv-123456")
	if err := os.WriteFile(stale, []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "cores.csv", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := Write(dir, tr, m, cycles)
	var ie *IncompleteError
	if !errors.As(err, &ie) {
		t.Fatalf("Write = %v, want an *IncompleteError", err)
	}
	if want := []string{"core_spikes.npy", "core_synaptic_ops.npy", "core_busy_cycles.npy", "link_flits.npy"}; !reflect.DeepEqual(ie.Written, want) {
		t.Errorf("written %v, want %v", ie.Written, want)
	}
	if len(ie.Missing) == 0 || ie.Missing[0] != "cores.csv" || ie.Missing[len(ie.Missing)-1] != "link_utilization.svg" {
		t.Errorf("missing %v, want cores.csv first and link_utilization.svg last", ie.Missing)
	}
	if len(ie.Written)+len(ie.Missing) != len(Files(tr, m)) {
		t.Errorf("written %d + missing %d != %d files", len(ie.Written), len(ie.Missing), len(Files(tr, m)))
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file still there: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("leftover %s", e.Name())
		}
	}
	if !strings.Contains(err.Error(), "not written: cores.csv, links.csv") {
		t.Errorf("error %q does not list the missing files", err)
	}
}
