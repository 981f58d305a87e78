package chip

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// convNet: 2x6x6 input -> conv 3x3, 4 channels, stride 1, pad 1 (4x6x6 =
// 144 neurons) -> dense 5. denseTwin is the same network with the
// convolution expanded into a dense matrix.
func convNet(rng *rand.Rand, groups int) (conv, dense *Network) {
	cv := &Conv{InC: 2, InH: 6, InW: 6, OutC: 4, OutH: 6, OutW: 6, KH: 3, KW: 3, StrideH: 1, StrideW: 1, PadH: 1, PadW: 1, PadHEnd: 1, PadWEnd: 1, DilH: 1, DilW: 1, Groups: groups}
	cv.Kernel = make([]int8, 4*(2/groups)*9)
	for i := range cv.Kernel {
		cv.Kernel[i] = int8(rng.IntN(15) - 4)
	}
	in, size := 72, 144
	dw := make([]int8, in*size)
	for j := 0; j < size; j++ {
		cv.Sources(j, func(src int, w int8) { dw[src*size+j] = w })
	}
	out := make([]int8, size*5)
	for i := range out {
		out[i] = int8(rng.IntN(9) - 3)
	}
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 12}
	conv = &Network{Name: "conv", Inputs: in, Layers: []Layer{
		{Name: "c1", Size: size, Neuron: p, Conv: cv},
		{Name: "fc", Size: 5, Neuron: p, Weights: out},
	}}
	dense = &Network{Name: "dense", Inputs: in, Layers: []Layer{
		{Name: "c1", Size: size, Neuron: p, Weights: dw},
		{Name: "fc", Size: 5, Neuron: p, Weights: out},
	}}
	return conv, dense
}

type randStim struct {
	n   int
	rng *rand.Rand
}

func (r *randStim) Events(t int, dst []InputEvent) []InputEvent {
	if t >= 20 {
		return dst
	}
	for i := 0; i < r.n; i++ {
		if r.rng.IntN(3) == 0 {
			dst = append(dst, InputEvent{Channel: int32(i), Magnitude: 1})
		}
	}
	return dst
}

// TestConvEqualsDenseTwin: a convolution mapped with its true connectivity
// computes exactly what its dense expansion computes, on any split.
func TestConvEqualsDenseTwin(t *testing.T) {
	for _, groups := range []int{1, 2} {
		conv, dense := convNet(rand.New(rand.NewPCG(1, uint64(groups))), groups)
		cfg, err := Preset("tiny")
		if err != nil {
			t.Fatal(err)
		}
		cfg.NeuronsPerCore = 18 // 144 neurons -> 8 cores, each half a channel
		cfg.MeshWidth = 4
		var got [2]Result
		for i, net := range []*Network{conv, dense} {
			m, err := Map(net, cfg)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = runOn(t, m, 2, &randStim{n: 72, rng: rand.New(rand.NewPCG(9, 9))}, 40, nil)
		}
		c, d := got[0], got[1]
		if !reflect.DeepEqual(c.LayerSpikes, d.LayerSpikes) || !reflect.DeepEqual(c.Scores, d.Scores) || c.Counts.SynapticOps != d.Counts.SynapticOps {
			t.Errorf("groups %d: conv spikes %v scores %v ops %d; dense %v %v %d", groups, c.LayerSpikes, c.Scores, c.Counts.SynapticOps, d.LayerSpikes, d.Scores, d.Counts.SynapticOps)
		}
		if c.LayerSpikes[0] == 0 || c.LayerSpikes[1] == 0 {
			t.Fatalf("silent network: %v", c.LayerSpikes)
		}
		// Per-format counts: the convolution layer's events are conv ops.
		if c.Counts.SynapticOpsConv != c.LayerSynOps[0] || d.Counts.SynapticOpsConv != 0 {
			t.Errorf("conv ops %d (layer 0: %d), dense twin %d", c.Counts.SynapticOpsConv, c.LayerSynOps[0], d.Counts.SynapticOpsConv)
		}
		// True connectivity sends each input only to the cores that use it.
		if c.Counts.HostPackets >= d.Counts.HostPackets {
			t.Errorf("conv host packets %d not below dense %d", c.Counts.HostPackets, d.Counts.HostPackets)
		}
	}
}

// TestConvMemory: the memory accounting follows the conv_weights choice.
func TestConvMemory(t *testing.T) {
	conv, _ := convNet(rand.New(rand.NewPCG(1, 1)), 1)
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.NeuronsPerCore = 36 // one output channel (6x6) per core
	cases := []struct {
		storage ConvWeights
		bits    func(lo, hi int) int64
	}{
		// shared: one 2x3x3 kernel of 8-bit weights per core.
		{SharedKernels, func(int, int) int64 { return 2 * 9 * 8 }},
		// per connection: every non-padding tap of every neuron.
		{PerConnection, func(lo, hi int) int64 {
			var n int64
			for j := lo; j < hi; j++ {
				conv.Layers[0].Conv.Sources(j, func(int, int8) { n++ })
			}
			return n * 8
		}},
	}
	for _, c := range cases {
		cfg.ConvWeights = c.storage
		m, err := Map(conv, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.LayerCores[0]) != 4 {
			t.Fatalf("%s: %d cores", c.storage, len(m.LayerCores[0]))
		}
		for _, ci := range m.LayerCores[0] {
			cm := m.Cores[ci]
			if want := c.bits(cm.Lo, cm.Hi); cm.SynMemBits != want {
				t.Errorf("%s: core %d: %d bits, want %d", c.storage, ci, cm.SynMemBits, want)
			}
			// Receptive fields of one channel cover both input channels fully.
			if cm.Axons != 72 {
				t.Errorf("core %d: %d axons, want 72", ci, cm.Axons)
			}
		}
	}
	// Up to 18 taps x 8 bits per neuron: 150 B holds only a few neurons.
	cfg.ConvWeights = PerConnection
	cfg.SynapseMemoryBytes = 150
	cfg.MeshWidth, cfg.MeshHeight = 8, 8
	m, err := Map(conv, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.LayerCores[0]) <= 4 {
		t.Errorf("memory limit did not split the layer further: %d cores", len(m.LayerCores[0]))
	}
	for _, ci := range m.LayerCores[0] {
		if m.Cores[ci].SynMemBits > 1200 {
			t.Errorf("core %d over memory: %d bits", ci, m.Cores[ci].SynMemBits)
		}
	}
}

// TestBIFUntilQuiet: two BIF layers settle to the integer quantized ReLU of
// their total input, computed by hand, and the run stops when quiet.
func TestBIFUntilQuiet(t *testing.T) {
	// in0, in1 -> a (2 BIF, θ=10, L=3): w = [[4, -6], [3, 8]] (In x Out)
	// -> b (1 BIF, θ=4, L=5): w = [1, 2], bias 1.
	net := &Network{Name: "bif", Inputs: 2, GradedInput: true, Layers: []Layer{
		{Name: "a", Size: 2, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 10, Levels: 3}, Weights: []int8{4, -6, 3, 8}},
		{Name: "b", Size: 1, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 4, Levels: 5}, Weights: []int8{1, 2}, Bias: []int32{1}},
	}}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	sim.EnableNeuronCounts()
	// Input pulse x = (3, 2) at t=0: Z_a = (4*3+3*2, -6*3+8*2) = (18, -2)
	// -> a = clamp(floor((18+5)/10), 0, 3) = 2 and floor((-2+5)/10) = 0.
	// Z_b = 1*2 + 2*0 + 1 = 3 -> floor((3+2)/4) = 1. Score = 1*4 + v.
	res, err := sim.RunUntilQuiet(context.Background(), pulse{{0, 3}, {1, 2}}, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Quiet {
		t.Fatal("not quiet")
	}
	// net counts: layer a fired +1 twice (neuron 0); b fired +1 once.
	if !reflect.DeepEqual(res.LayerSpikes, []uint64{2, 1}) || res.Scores[0]/4 != 1 {
		t.Errorf("spikes %v score %v", res.LayerSpikes, res.Scores)
	}
	if res.Timesteps > 10 {
		t.Errorf("took %d timesteps", res.Timesteps)
	}
	if want := [][]int32{{2, 0}, {1}}; !reflect.DeepEqual(res.NeuronCounts, want) {
		t.Errorf("neuron counts %v, want %v", res.NeuronCounts, want)
	}
}

// pulse delivers graded events at t = 0 only.
type pulse [][2]int32

func (p pulse) Events(t int, dst []InputEvent) []InputEvent {
	if t == 0 {
		for _, e := range p {
			dst = append(dst, InputEvent{Channel: e[0], Magnitude: uint8(e[1])})
		}
	}
	return dst
}

// TestMulticastMatchesUnicast: multicast changes how spikes travel, not what
// the neurons compute; it sends one packet per spike and makes no more hops.
func TestMulticastMatchesUnicast(t *testing.T) {
	conv, _ := convNet(rand.New(rand.NewPCG(3, 3)), 1)
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.NeuronsPerCore, cfg.MeshWidth = 18, 4
	var got [2]Result
	for i, d := range []DeliveryMode{Unicast, Multicast} {
		cfg.Delivery = d
		m, err := Map(conv, cfg)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = runOn(t, m, 2, &randStim{n: 72, rng: rand.New(rand.NewPCG(4, 4))}, 30, nil)
	}
	u, mc := got[0], got[1]
	if !reflect.DeepEqual(u.LayerSpikes, mc.LayerSpikes) || !reflect.DeepEqual(u.Scores, mc.Scores) || u.Counts.SynapticOps != mc.Counts.SynapticOps {
		t.Fatalf("multicast changed the computation: %v %v vs %v %v", mc.LayerSpikes, mc.Scores, u.LayerSpikes, u.Scores)
	}
	// One packet per spike of a non-output layer (every one has targets here).
	if mc.Counts.Packets != mc.LayerSpikes[0] {
		t.Errorf("multicast packets %d, want one per layer-0 spike (%d)", mc.Counts.Packets, mc.LayerSpikes[0])
	}
	// Host input fans out to several conv cores: one packet per event instead.
	if mc.Counts.HostPackets >= u.Counts.HostPackets || mc.Counts.HopsX+mc.Counts.HopsY >= u.Counts.HopsX+u.Counts.HopsY {
		t.Errorf("multicast host packets %d hops %d; unicast %d, %d", mc.Counts.HostPackets, mc.Counts.HopsX+mc.Counts.HopsY, u.Counts.HostPackets, u.Counts.HopsX+u.Counts.HopsY)
	}
	// Mesh statistics agree with the charged hops.
	if mc.Mesh.Hops != mc.Counts.HopsX+mc.Counts.HopsY {
		t.Errorf("mesh made %d hops, counts say %d", mc.Mesh.Hops, mc.Counts.HopsX+mc.Counts.HopsY)
	}
	// A table too small for the trees is reported, not ignored.
	cfg.Delivery, cfg.RouterTableEntries = Multicast, 1
	m, err := Map(conv, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSimulator(m, 1); err == nil || !strings.Contains(err.Error(), "router_table_entries") {
		t.Errorf("table overflow error %v", err)
	}
}

// TestUntilQuietNeedsQuietNeurons: IF neurons with a bias never go quiet,
// so the run goes to its limit instead of stopping early.
func TestUntilQuietNeedsQuietNeurons(t *testing.T) {
	net := traceNet()
	net.Layers[1].Bias = []int32{1}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.RunUntilQuiet(context.Background(), fixedStim{{0}}, 1, 25)
	if err != nil {
		t.Fatal(err)
	}
	if res.Quiet || res.Timesteps != 25 {
		t.Errorf("quiet %v after %d timesteps; a biased neuron keeps changing", res.Quiet, res.Timesteps)
	}
}
