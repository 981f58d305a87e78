package nirconv_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/spikemesh/spikemesh"
	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/workloads"
)

// rtConverted converts a built-in model as `spikemesh run` and `export`
// do by default (rate conversion, 99.9th percentile, loihi).
func rtConverted(t *testing.T, model string) (*chip.Network, chip.Config) {
	t.Helper()
	o := spikemesh.Options{Model: model, Method: workloads.MethodRate, Percentile: 99.9}
	var err error
	if o.Chip, err = chip.Resolve("loihi"); err != nil {
		t.Fatal(err)
	}
	if o.Energy, err = energy.Resolve("loihi"); err != nil {
		t.Fatal(err)
	}
	plan, err := o.Plan()
	if err != nil {
		t.Fatal(err)
	}
	w, err := spikemesh.LoadWorkload(model)
	if err != nil {
		t.Fatal(err)
	}
	cv, err := workloads.ConvertNet(w.Net, w.Calib, plan.Conversion)
	if err != nil {
		t.Fatal(err)
	}
	return cv.Net, o.Chip
}

// rtCanonical is what a chip network computes, without the fields that
// only name or describe it: layers without their report Shape, every
// projection (chain shorthand included, Network.Edges) without its Name,
// input group sizes and graded flags without names, the output layers.
type rtCanonical struct {
	Groups  []chip.InputGroup
	Layers  []chip.Layer
	Edges   []chip.Projection
	Outputs []int
}

func rtCanon(n *chip.Network) rtCanonical {
	c := rtCanonical{Outputs: n.OutputLayers()}
	for _, g := range n.Groups() {
		c.Groups = append(c.Groups, chip.InputGroup{Size: g.Size, Graded: g.Graded})
	}
	for _, ly := range n.Layers {
		ly.Shape, ly.Weights, ly.Conv = chip.Shape{}, nil, nil // the chain projection is in Edges
		c.Layers = append(c.Layers, ly)
	}
	for _, p := range n.Edges() {
		p.Name = ""
		c.Edges = append(c.Edges, p)
	}
	return c
}

// rtDiff names the first field where a and b differ ("" if none).
func rtDiff(a, b rtCanonical) string {
	if !reflect.DeepEqual(a.Groups, b.Groups) {
		return fmt.Sprintf("input groups %+v vs %+v", a.Groups, b.Groups)
	}
	if !reflect.DeepEqual(a.Outputs, b.Outputs) {
		return fmt.Sprintf("outputs %v vs %v", a.Outputs, b.Outputs)
	}
	if len(a.Layers) != len(b.Layers) || len(a.Edges) != len(b.Edges) {
		return fmt.Sprintf("%d layers, %d projections vs %d, %d", len(a.Layers), len(a.Edges), len(b.Layers), len(b.Edges))
	}
	for l := range a.Layers {
		x, y := a.Layers[l], b.Layers[l]
		switch {
		case x.Name != y.Name || x.Size != y.Size:
			return fmt.Sprintf("layer %d: %s (%d) vs %s (%d)", l, x.Name, x.Size, y.Name, y.Size)
		case x.Neuron != y.Neuron:
			return fmt.Sprintf("layer %s: neuron %+v vs %+v", x.Name, x.Neuron, y.Neuron)
		case !reflect.DeepEqual(x.Bias, y.Bias):
			return fmt.Sprintf("layer %s: bias differs", x.Name)
		case !reflect.DeepEqual(x.Vectors, y.Vectors):
			return fmt.Sprintf("layer %s: vectors differ", x.Name)
		}
	}
	for i := range a.Edges {
		x, y := a.Edges[i], b.Edges[i]
		if !reflect.DeepEqual(x, y) {
			return fmt.Sprintf("projection %d: kind %v/%v, from %+v/%+v, to %d/%d, exp %d/%d, delay %d/%d, weights equal %v, conv %+v vs %+v",
				i, x.Kind, y.Kind, x.From, y.From, x.To, y.To, x.WeightExp, y.WeightExp, x.Delay, y.Delay,
				reflect.DeepEqual(x.Weights, y.Weights), x.Conv, y.Conv)
		}
	}
	return ""
}

// rtStimulus is seeded random binary input: 20 % of the channels each step.
type rtStimulus struct {
	seed     uint64
	channels int
}

func (s rtStimulus) Events(t int, dst []chip.InputEvent) []chip.InputEvent {
	r := rand.New(rand.NewPCG(s.seed, uint64(t)))
	for c := range s.channels {
		if r.Float64() < 0.2 {
			dst = append(dst, chip.InputEvent{Channel: int32(c), Magnitude: 1})
		}
	}
	return dst
}

// rtRun maps net onto cfg and runs 3 samples of 12 steps; it returns every
// sample's Result.
func rtRun(t *testing.T, net *chip.Network, cfg chip.Config) []chip.Result {
	t.Helper()
	m, err := chip.Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := chip.NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out []chip.Result
	err = sim.RunSamples(context.Background(), chip.Samples{N: 3, Timesteps: 12,
		Stimulus: func(i int) chip.Stimulus { return rtStimulus{seed: uint64(i) + 1, channels: net.InputChannels()} },
		Each: func(_ int, r chip.Result) error {
			out = append(out, r)
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBuiltinRoundTrip: for each built-in model that has a NIR form,
// Lower(Read(Write(FromChip(net)))) is net — every layer's name, size,
// neuron parameters, bias and vectors, every projection's kind, source,
// target, weights, exponent, delay and convolution, the input groups and
// the outputs — and the two run identically on the chip. What differs,
// by construction: names of projections and input groups (FromChip names
// nodes, Lower names paths), Layer.Shape (the converted network leaves
// it unset, NIR shapes set it), and the chain shorthand (Layer.Weights,
// Layer.Conv) becoming Network.Projections; rtCanon removes exactly
// these.
func TestBuiltinRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("converts two built-in models (threshold balancing on the calibration set)")
	}
	for _, model := range []string{"mnist-mlp", "mnist-cnn"} {
		t.Run(model, func(t *testing.T) {
			net, cfg := rtConverted(t, model)
			g, err := nirconv.FromChip(net, nirconv.DefaultDT)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), model+".nir")
			if err := nir.Write(path, g); err != nil {
				t.Fatal(err)
			}
			back, err := nir.Read(path, nir.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			lw, err := nirconv.Lower(back, nirconv.LowerOptions{WeightBits: cfg.WeightBits})
			if err != nil {
				t.Fatal(err)
			}
			if d := rtDiff(rtCanon(net), rtCanon(lw.Net)); d != "" {
				t.Fatalf("round trip differs: %s", d)
			}
			for l, p := range lw.Populations {
				if p.Kind != nir.KindThreshold || p.Scale != 1 || len(p.Folded) != 2 || p.Folded[0] != p.Node+".v" || p.Folded[1] != p.Node+".reset" {
					t.Errorf("population %d (%s): %s at scale %g, folding %v; want a recognized subtract loop (Threshold, scale 1, folding .v and .reset)", l, p.Node, p.Kind, p.Scale, p.Folded)
				}
			}
			a, b := rtRun(t, net, cfg), rtRun(t, lw.Net, cfg)
			for i := range a {
				if a[i].Counts != b[i].Counts || !reflect.DeepEqual(a[i].LayerSpikes, b[i].LayerSpikes) || a[i].Cycles != b[i].Cycles {
					t.Errorf("sample %d: converted %+v, %v spikes, %d cycles; round trip %+v, %v, %d",
						i, a[i].Counts, a[i].LayerSpikes, a[i].Cycles, b[i].Counts, b[i].LayerSpikes, b[i].Cycles)
				}
			}
			var spikes uint64
			for _, r := range a {
				for _, s := range r.LayerSpikes {
					spikes += s
				}
			}
			if spikes == 0 {
				t.Error("no spikes at all: the run comparison checks nothing")
			}
		})
	}
}

// TestVectorsRoundTrip: per-neuron thresholds, membrane decays and resets
// (neuron.Vectors) are exported as per-neuron arrays and come back
// exactly. The thresholds lie in (2^19, 2^20], so Lower's voltage scale
// is 1 (docs/nir.md, "Exporting a chip network": with smaller thresholds
// Lower picks a larger power-of-two scale and the network comes back
// scaled, not equal).
func TestVectorsRoundTrip(t *testing.T) {
	w := make([]int8, 4*3)
	for i := range w {
		w[i] = int8(127 - 23*i)
	}
	net := &chip.Network{
		Name:        "vec",
		InputGroups: []chip.InputGroup{{Name: "in", Size: 4}},
		Layers: []chip.Layer{{Name: "a", Size: 3,
			Neuron: neuron.Params{Kind: neuron.LIF, Threshold: 600000, DecayU: 4096, DecayV: 200}, // scalars under a vector are unused; Quantize sets neuron 0's
			Bias:   []int32{300, -20, 0},
			Vectors: neuron.Vectors{Threshold: []int32{600000, 700000, 1000000}, DecayV: []uint16{200, 256, 301},
				Reset: []int32{0, -5000, 1000}}}},
		Projections: []chip.Projection{{From: chip.Input(0), To: 0, Kind: chip.ProjDense, Weights: w, WeightExp: 9}},
		Outputs:     []int{0},
	}
	g, err := nirconv.FromChip(net, nirconv.DefaultDT)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vec.nir")
	if err := nir.Write(path, g); err != nil {
		t.Fatal(err)
	}
	back, err := nir.Read(path, nir.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	p := back.Node("a").Params.(*nir.LIFParams)
	if got := p.VThreshold.Data; !reflect.DeepEqual(got, []float64{600000, 700000, 1000000}) {
		t.Errorf("v_threshold %v, want the per-neuron thresholds", got)
	}
	if got := p.VReset.Data; !reflect.DeepEqual(got, []float64{0, -5000, 1000}) {
		t.Errorf("v_reset %v, want the per-neuron resets", got)
	}
	lw, err := nirconv.Lower(back, nirconv.LowerOptions{WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	if d := rtDiff(rtCanon(net), rtCanon(lw.Net)); d != "" {
		t.Fatalf("round trip differs: %s", d)
	}
}
