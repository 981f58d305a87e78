package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// cubaParams is params.json as cuba.py --export writes it, N and NE
// shrunk.
func cubaParams(n, ne int) map[string]any {
	return map[string]any{"N": n, "NE": ne, "dt": 1e-4, "taum": 0.020, "taue": 0.005, "taui": 0.010,
		"Vt": -0.050, "Vr": -0.060, "El": -0.049, "we": 60 * 0.27 / 10 * 1e-3, "wi": -20 * 4.5 / 10 * 1e-3,
		"refractory": 0.005, "threshold": "v > Vt", "reset": "v = Vr", "integration": "exact", "seed": 2024}
}

// writeNpy writes one .npy file into dir.
func writeNpy(t testing.TB, dir, name string, shape []int, v any) {
	t.Helper()
	var b bytes.Buffer
	if err := npyfile.Write(&b, shape, v); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeCubaExport writes a tiny synthetic export: 4 neurons (3
// excitatory), exc synapses 0->1, 0->2, 1->3, 2->0; inh synapse 3->0; v0
// from -60 mV upwards.
func writeCubaExport(t *testing.T, params map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	b, err := json.Marshal(params)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	writeNpy(t, dir, "exc_pre.npy", []int{4}, []int64{0, 0, 1, 2})
	writeNpy(t, dir, "exc_post.npy", []int{4}, []int64{1, 2, 3, 0})
	writeNpy(t, dir, "inh_pre.npy", []int{1}, []int64{3})
	writeNpy(t, dir, "inh_post.npy", []int{1}, []int64{0})
	writeNpy(t, dir, "v0.npy", []int{4}, []float64{-0.060, -0.0575, -0.055, -0.0501})
	return dir
}

// TestLoadCuba checks the network built from the synthetic export by
// hand. Scale is 2^26 state units per volt (neuron.TestQuantizeCUBA);
// v0 − Vr = 0, 2.5, 5 and 9.9 mV give 0, 167772.16 -> 167772,
// 335544.32 -> 335544 and 664377.75 -> 664378. The ideal weights are
// 2^26·(20/4096)·1.62 mV = 530.84 and 2^26·(20/4096)·(−9 mV) = −2949.12
// state units; with 8-bit mantissas (|m| <= 127) the smallest exponents
// that fit are 3 (530.84/8 = 66.36 -> 66, weight 528) and 5 (−2949.12/32 =
// −92.16 -> −92, weight −2944).
func TestLoadCuba(t *testing.T) {
	c, err := LoadCuba(writeCubaExport(t, cubaParams(4, 3)), 8)
	if err != nil {
		t.Fatal(err)
	}
	ly := c.Net.Layers[0]
	if want := []int32{0, 167772, 335544, 664378}; !equalInts(ly.InitV, want) {
		t.Errorf("InitV %v, want %v", ly.InitV, want)
	}
	if c.WeightE.Mant[0] != 66 || c.WeightE.Exp != 3 || c.WeightI.Mant[0] != -92 || c.WeightI.Exp != 5 {
		t.Errorf("weights %d<<%d, %d<<%d; want 66<<3, -92<<5", c.WeightE.Mant[0], c.WeightE.Exp, c.WeightI.Mant[0], c.WeightI.Exp)
	}
	ps := c.Net.Projections
	if len(ps) != 2 || ps[0].Port != 0 || ps[1].Port != 1 || len(ps[0].Synapses) != 4 || len(ps[1].Synapses) != 1 ||
		ps[0].Synapses[3] != (chip.Synapse{Pre: 2, Post: 0, Weight: 66}) || ps[1].Synapses[0] != (chip.Synapse{Pre: 3, Post: 0, Weight: -92}) {
		t.Errorf("projections %+v", ps)
	}
	if want := []int32{2, 1, 1, 1}; !equalInts(c.Fanout, want) {
		t.Errorf("fan-out %v, want %v", c.Fanout, want)
	}
	if ly.Bias[0] != 3604 || ly.Neuron.Refractory != 49 {
		t.Errorf("bias %d refractory %d, want 3604, 49", ly.Bias[0], ly.Neuron.Refractory)
	}
}

func equalInts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRunCuba runs the synthetic network for 0.1 s: every neuron fires
// on its own (El is above Vt), events are spikes times fan-out, and the
// worker count changes nothing.
func TestRunCuba(t *testing.T) {
	dir := writeCubaExport(t, cubaParams(4, 3))
	c, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	var first *CubaResult
	for _, w := range []int{1, 2} {
		r, err := RunCuba(context.Background(), CubaOptions{Dir: dir, Duration: 0.1, Workers: w, Chip: c, Energy: e})
		if err != nil {
			t.Fatal(err)
		}
		if r.Steps != 1000 || r.TotalSpikes == 0 || r.SpikesInh == 0 || r.Synapses != 5 {
			t.Fatalf("steps %d spikes %d (inh %d) synapses %d", r.Steps, r.TotalSpikes, r.SpikesInh, r.Synapses)
		}
		if r.EffectiveACs != r.SynapticEvents {
			t.Errorf("chip synaptic ops %d != spikes x fan-out %d (every weight is non-zero)", r.EffectiveACs, r.SynapticEvents)
		}
		if want := float64(r.TotalSpikes) / 4 / 0.1; r.RateHz != want {
			t.Errorf("rate %g, want %g", r.RateHz, want)
		}
		if first == nil {
			first = r
		} else if r.SpikesExc != first.SpikesExc || r.SpikesInh != first.SpikesInh || r.ChipCycles != first.ChipCycles || r.EnergyMicroJ != first.EnergyMicroJ {
			t.Errorf("workers %d: %+v; workers 1: %+v", w, r, first)
		}
	}
}

// TestLoadCubaErrors: every bad export is one line naming the file and
// the field or element.
func TestLoadCubaErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, dir string)
		want string
	}{
		{"missing file", func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "inh_post.npy")) }, "inh_post.npy: no such file"},
		{"wrong dtype", func(t *testing.T, dir string) {
			writeNpy(t, dir, "exc_pre.npy", []int{4}, []float64{0, 0, 1, 2})
		}, "exc_pre.npy has dtype <f8, want int64 or int32"},
		{"index out of range", func(t *testing.T, dir string) {
			writeNpy(t, dir, "exc_post.npy", []int{4}, []int64{1, 2, 4, 0})
		}, "exc_post.npy[2] is 4, outside the neurons 0..3"},
		{"negative index", func(t *testing.T, dir string) { writeNpy(t, dir, "inh_pre.npy", []int{1}, []int64{-1}) },
			"inh_pre.npy[0] is -1, outside the neurons 0..3"},
		{"length mismatch", func(t *testing.T, dir string) { writeNpy(t, dir, "inh_pre.npy", []int{2}, []int64{3, 3}) },
			"inh_pre.npy has 2 synapses"},
		{"NaN potential", func(t *testing.T, dir string) {
			writeNpy(t, dir, "v0.npy", []int{4}, []float64{-0.06, math.NaN(), -0.05, -0.05})
		}, "v0.npy[1] is NaN, want a finite potential"},
		{"potential out of range", func(t *testing.T, dir string) {
			writeNpy(t, dir, "v0.npy", []int{4}, []float64{-0.06, 1, -0.05, -0.05})
		}, "v0.npy[1]: neuron: v = 1 V"},
		{"v0 length", func(t *testing.T, dir string) { writeNpy(t, dir, "v0.npy", []int{3}, []float64{-0.06, -0.06, -0.06}) },
			"v0.npy has shape [3], want (4,)"},
		{"missing field", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { delete(p, "taui") }) },
			"params.json: field taui is missing"},
		{"unknown field", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { p["delay"] = 1 }) },
			`params.json: json: unknown field "delay"`},
		{"negative tau", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { p["taum"] = -0.02 }) },
			"taum (-0.02) must be finite and > 0"},
		{"other reset", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { p["reset"] = "v -= 1" }) },
			`params.json: reset is "v -= 1", only "v = Vr" is supported`},
		{"huge N", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { p["N"] = 1 << 40 }) },
			"params.json: N is 1099511627776, must be in [1, 1048576]"},
		{"NE above N", func(t *testing.T, dir string) { writeParams(t, dir, func(p map[string]any) { p["NE"] = 5 }) },
			"params.json: NE is 5, must be in [0, N = 4]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeCubaExport(t, cubaParams(4, 3))
			tc.edit(t, dir)
			_, err := LoadCuba(dir, 8)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line containing %q", err, tc.want)
			}
		})
	}
}

// writeParams rewrites dir/params.json after edit.
func writeParams(t *testing.T, dir string, edit func(map[string]any)) {
	t.Helper()
	p := cubaParams(4, 3)
	edit(p)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "params.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
