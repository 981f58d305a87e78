package graphrun

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/nir"
)

// fixtures are the public NIR files in nir/testdata (provenance there) and
// all_nodes.nir, which has every node type (nir/testdata/gen.py).
var fixtures = []string{"lif_norse", "lif_rockpool", "two_lif_neurons", "cnn_sinabs",
	"braille_noDelay_bias_zero", "braille_noDelay_bias_zero_subgraph", "all_nodes"}

// randomSpikes returns n samples of T frames of Bernoulli(p) spikes over
// the channels, seeded, labelled class 0 (a class every graph has).
func randomSpikes(n, T, channels int, p float64, seed uint64) *Input {
	rng := rand.New(rand.NewPCG(seed, 1))
	in := &Input{Name: "generated", Samples: n, T: T, Shape: []int{channels}, Channels: channels,
		Data: make([]float64, n*T*channels), Labels: make([]int, n), Scale: 1}
	for i := range in.Data {
		if rng.Float64() < p {
			in.Data[i] = 1
		}
	}
	return in
}

func runFixture(t *testing.T, name string, in *Input, workers int) *Report {
	t.Helper()
	g, err := nir.Read("../nir/testdata/"+name+".nir", nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	e, err := energy.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Options{Graph: g, Model: name, Input: in, Chip: cfg, ChipName: "loihi", Energy: e, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// inputChannels reads a fixture's input size.
func inputChannels(t *testing.T, name string) int {
	g, err := nir.Read("../nir/testdata/"+name+".nir", nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := 0
	for _, n := range g.NodesOf(nir.KindInput) {
		c += n.Out.Size()
	}
	return c
}

// TestFixturesRun: every fixture lowers, maps onto loihi and runs on a
// generated spike input, with spikes counted on the chip and in float.
func TestFixturesRun(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			in := randomSpikes(2, 20, inputChannels(t, name), 0.3, 7)
			rep := runFixture(t, name, in, 1)
			total := 0.0
			for _, p := range rep.Populations {
				t.Logf("%s: %s %s %d neurons, %d cores: chip %.2f float %.2f spikes", name, p.Name, p.Type, p.Neurons, p.Cores, p.ChipSpikes, p.FloatSpikes)
				total += p.ChipSpikes + p.FloatSpikes
			}
			t.Logf("%s: agreement %.1f %%, energy %.4g µJ, latency %.4g µs", name, rep.OutputAgreementPct, rep.EnergyUJ, rep.LatencyUS)
			if rep.CoresUsed < 1 || rep.EnergyUJ <= 0 || rep.LatencyUS <= 0 {
				t.Errorf("%s: %d cores, %g µJ, %g µs: want all > 0", name, rep.CoresUsed, rep.EnergyUJ, rep.LatencyUS)
			}
		})
	}
}

// TestCurrentInput: a float input current (graded events, magnitude
// round(x/Scale), weights × Scale) drives lif_norse on the chip as in
// float: the spike counts agree within one spike over 300 steps, and the
// drift is reported.
func TestCurrentInput(t *testing.T) {
	const T = 300
	in := &Input{Name: "currents", Samples: 1, T: T, Shape: []int{1}, Channels: 1, Data: make([]float64, T)}
	for i := range in.Data {
		in.Data[i] = 0.37 + 0.2*float64(i%7)/7 // not integers: currents
	}
	if err := in.classify(); err != nil || in.Encoding != Currents {
		t.Fatalf("encoding %s, err %v", in.Encoding, err)
	}
	rep := runFixture(t, "lif_norse", in, 1)
	p := rep.Populations[0]
	t.Logf("currents: chip %g spikes, float %g", p.ChipSpikes, p.FloatSpikes)
	if p.FloatSpikes < 5 || math.Abs(p.ChipSpikes-p.FloatSpikes) > 1 {
		t.Errorf("chip %g spikes, float %g: want >= 5 float spikes and agreement within 1", p.ChipSpikes, p.FloatSpikes)
	}
}

// TestWorkersAgree: the report is the same for 1 and 3 workers.
func TestWorkersAgree(t *testing.T) {
	in := randomSpikes(4, 15, 12, 0.4, 9)
	a, b := runFixture(t, "braille_noDelay_bias_zero", in, 1), runFixture(t, "braille_noDelay_bias_zero", in, 3)
	var wa, wb strings.Builder
	if err := a.WriteJSON(&wa); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteJSON(&wb); err != nil {
		t.Fatal(err)
	}
	if wa.String() != wb.String() {
		t.Errorf("reports differ between 1 and 3 workers")
	}
}

// TestLIReadoutPrediction: an LI readout predicts the neuron with the
// largest final voltage, on the chip and in float; with labels equal to
// that neuron, both accuracies are 100 %.
func TestLIReadoutPrediction(t *testing.T) {
	sc := func(x float64) nir.Tensor {
		return nir.Tensor{Shape: nir.Shape{}, Data: []float64{x}, DType: nir.Float32}
	}
	io := func(name string, k nir.Kind, n int) *nir.Node {
		return &nir.Node{Name: name, Kind: k, In: nir.Shape{n}, Out: nir.Shape{n}, Params: &nir.IOParams{Shape: nir.Shape{n}}}
	}
	// Input channel c drives readout neuron c with weight 1 and the others
	// with 0.2: the neuron of the most active channel has the largest v.
	w := []float64{1, 0.2, 0.2, 0.2, 1, 0.2, 0.2, 0.2, 1}
	g := &nir.Graph{Nodes: []*nir.Node{io("in", nir.KindInput, 3),
		{Name: "lin", Kind: nir.KindLinear, In: nir.Shape{3}, Out: nir.Shape{3}, Params: &nir.LinearParams{Weight: nir.Tensor{Shape: nir.Shape{3, 3}, Data: w}}},
		{Name: "li", Kind: nir.KindLI, In: nir.Shape{3}, Out: nir.Shape{3}, Params: &nir.LIParams{Tau: sc(2e-3), R: sc(1), VLeak: sc(0)}},
		io("out", nir.KindOutput, 3)},
		Edges: []nir.Edge{{Src: "in", Dst: "lin"}, {Src: "lin", Dst: "li"}, {Src: "li", Dst: "out"}}}
	const n, T = 6, 30
	in := &Input{Name: "onehot", Samples: n, T: T, Shape: []int{3}, Channels: 3, Data: make([]float64, n*T*3), Labels: make([]int, n), Scale: 1}
	rng := rand.New(rand.NewPCG(5, 6))
	for s := range n {
		in.Labels[s] = s % 3
		for t := range T {
			for c := range 3 {
				p := 0.2
				if c == s%3 {
					p = 0.8
				}
				if rng.Float64() < p {
					in.Data[(s*T+t)*3+c] = 1
				}
			}
		}
	}
	cfg, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	rep, err := Run(context.Background(), Options{Graph: g, Input: in, Chip: cfg, Energy: e})
	if err != nil {
		t.Fatal(err)
	}
	if *rep.ChipAccuracyPct != 100 || *rep.FloatAccuracyPct != 100 || rep.OutputAgreementPct != 100 {
		t.Errorf("accuracy chip %g %%, float %g %%, agreement %g %%: want 100 each (predictions chip %v float %v)",
			*rep.ChipAccuracyPct, *rep.FloatAccuracyPct, rep.OutputAgreementPct, rep.chipPred, rep.floatPred)
	}
	if rep.Populations[0].Fires {
		t.Errorf("LI population reported as firing")
	}
}

// TestLabelsBeyondOutputs: a label the graph has no output neuron for is
// refused, naming the input, the sample and the output count.
func TestLabelsBeyondOutputs(t *testing.T) {
	g, err := nir.Read("../nir/testdata/lif_norse.nir", nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := chip.Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	in := randomSpikes(3, 5, inputChannels(t, "lif_norse"), 0.3, 1)
	in.Labels[2] = 7
	_, err = Run(context.Background(), Options{Graph: g, Model: "lif_norse", Input: in, Chip: cfg, ChipName: "loihi", Energy: energy.Model{}})
	if err == nil || !strings.Contains(err.Error(), "input generated: field labels: label 7 of sample 2, the graph has 1 output neurons") {
		t.Fatalf("got %v", err)
	}
}
