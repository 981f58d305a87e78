package mackeyglass

import (
	"archive/zip"
	"bytes"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

// TestBuiltinReproduces: the recipe gives the committed weights byte for
// byte (spikemesh train --model mackey-glass writes the same bytes). Only
// on amd64: Go fuses multiply-adds on arm64, ppc64 and s390x, which may
// move the last bits of the ridge solution.
func TestBuiltinReproduces(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the recipe (0.3 s, 5 s under the race detector); go test without -short runs it")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the committed weights were computed on amd64 (no fused multiply-add)")
	}
	m, fit, err := Train(NeuroBench())
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, builtinWeights) {
		t.Fatal("Train(NeuroBench()) differs from the committed mackey-glass.npz: run spikemesh train --model mackey-glass --out workloads/mackeyglass/mackey-glass and update docs/sequences.md")
	}
	// docs/sequences.md quotes these (rounded to 3 decimals).
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"train", fit.TrainSMAPE, 3.957}, {"test", fit.TestSMAPE, 4.675}, {"tanh train", fit.TanhTrainSMAPE, 2.974}, {"tanh test", fit.TanhTestSMAPE, 2.968}} {
		if math.Abs(c.got-c.want) > 0.0005 {
			t.Errorf("%s sMAPE %.4f, docs say %.3f", c.name, c.got, c.want)
		}
	}
}

// TestReadoutIsLinearInFeatures: running the whole graph in float
// (snnref) gives LI voltages equal to the features times the readout
// weights, so the ridge regression fits exactly what the graph computes.
func TestReadoutIsLinearInFeatures(t *testing.T) {
	m, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	xs, err := NeuroBench().Generate()
	if err != nil {
		t.Fatal(err)
	}
	xs = xs[:300]
	feats, err := m.SpikeFeatures(xs)
	if err != nil {
		t.Fatal(err)
	}
	want := linear(feats, append(append([]float64(nil), m.WOut...), m.BOut))
	g, err := m.Graph()
	if err != nil {
		t.Fatal(err)
	}
	sg, err := snnref.FromNIR(g, DT)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := snnref.New(sg, neuron.FloatOptions{DT: DT})
	if err != nil {
		t.Fatal(err)
	}
	spikes := 0.0
	for i, x := range xs {
		if err := sim.Step([][]float64{{x}}); err != nil {
			t.Fatal(err)
		}
		for _, s := range sim.Output(nodeRes) {
			spikes += s
		}
		if v := sim.Output(nodeOut)[0]; math.Abs(v-want[i]) > 1e-9 {
			t.Fatalf("step %d: LI voltage %.12f, features·w %.12f", i, v, want[i])
		}
	}
	if spikes == 0 {
		t.Fatal("the reservoir never fired: the test checks nothing")
	}
}

// TestGraphRoundTrip: the graph writes as a NIR file and reads back with
// the same nodes, kinds and shapes (Read infers them independently).
func TestGraphRoundTrip(t *testing.T) {
	m, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Graph()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "mg.nir")
	if err := nir.Write(path, g); err != nil {
		t.Fatal(err)
	}
	back, err := nir.Read(path, nir.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Nodes) != len(g.Nodes) || len(back.Edges) != len(g.Edges) {
		t.Fatalf("read back %d nodes, %d edges; wrote %d, %d", len(back.Nodes), len(back.Edges), len(g.Nodes), len(g.Edges))
	}
	for i, n := range g.Nodes {
		b := back.Nodes[i]
		if b.Name != n.Name || b.Kind != n.Kind || !b.In.Equal(n.In) || !b.Out.Equal(n.Out) {
			t.Errorf("node %s %s %v→%v read back as %s %s %v→%v", n.Name, n.Kind, n.In, n.Out, b.Name, b.Kind, b.In, b.Out)
		}
	}
}

// npz builds an archive from named float64 arrays.
func npz(t testing.TB, arrays map[string][]int, fill float64) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"w_in", "bias", "w_rec", "w_out", "b_out", "tanh_out", "tanh_bias"} {
		shape, ok := arrays[name]
		if !ok {
			continue
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		d := make([]float64, n)
		for i := range d {
			d[i] = fill
		}
		w, err := zw.Create(name + ".npy")
		if err != nil {
			t.Fatal(err)
		}
		if err := npyfile.Write(w, shape, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func goodShapes() map[string][]int {
	return map[string][]int{"w_in": {Neurons}, "bias": {Neurons}, "w_rec": {Neurons, Neurons}, "w_out": {Neurons},
		"b_out": {1}, "tanh_out": {Neurons}, "tanh_bias": {1}}
}

func TestDecodeBad(t *testing.T) {
	if _, err := Decode("good", npz(t, goodShapes(), 0.5)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	missing := goodShapes()
	delete(missing, "w_rec")
	wrong := goodShapes()
	wrong["w_out"] = []int{Neurons + 1}
	for _, c := range []struct {
		name string
		b    []byte
		want string
	}{
		{"missing", npz(t, missing, 0.5), "field w_rec: missing"},
		{"shape", npz(t, wrong, 0.5), "field w_out: []float64 of shape [101], want float64 of shape [100]"},
		{"nan", npz(t, goodShapes(), math.NaN()), "field w_in: element 0 is NaN"},
		{"not zip", []byte("hello"), "bad"},
	} {
		_, err := Decode(c.name, c.b)
		if err == nil || strings.Contains(err.Error(), "\n") || (c.want != "bad" && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: error %v, want one line containing %q", c.name, err, c.want)
		}
	}
}

// FuzzDecode: any bytes give a model or one error, never a panic; a model
// decoded encodes back to a file that decodes to the same model.
func FuzzDecode(f *testing.F) {
	f.Add(builtinWeights)
	f.Add(npz(f, goodShapes(), 0.25))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode("fuzz", b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		enc, err := m.Encode()
		if err != nil {
			t.Fatal(err)
		}
		m2, err := Decode("again", enc)
		if err != nil {
			t.Fatal(err)
		}
		if enc2, _ := m2.Encode(); !bytes.Equal(enc, enc2) {
			t.Fatal("Encode(Decode(Encode(m))) differs")
		}
	})
}
