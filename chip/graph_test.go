package chip

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
)

// TestRecurrentHandTrace runs a two-population network with a
// self-connection, a delay-2 projection and a cycle, and checks every
// spike and count against values worked out by hand.
//
//	in (1 channel) --w2--> A (1 IF neuron, threshold 2)
//	A --w1, one-to-one--> A (self-connection, delay 0)
//	A --w1, delay 2-----> B (1 IF neuron, threshold 1)
//	B --w1--------------> A (delay 0: closes the cycle)
//
// Compute at timestep t integrates what arrived for t; a spike at t
// reaches a delay-d target at t+1+d.
//
//	t0: host sends channel 0 (for A at t1).
//	t1: A: v = 2 >= 2: fires, v = 0. Its spike reaches A at t2, B at t4.
//	t2: A: v = 1.   t3: nothing arrives.
//	t4: B: v = 1 >= 1: fires (reaches A at t5).
//	t5: A: v = 1+1 = 2: fires (A at t6, B at t8).   t6: A: v = 1.
//	t8: B fires.   t9: A: v = 2: fires. The run ends after t9 (T = 10).
//
// A fires at t1, t5, t9 and B at t4, t8. Synaptic events: A 5 (t1, t2, t5,
// t6, t9), B 2. A sits on core 0 (router 0), B on core 1 (router 1): each A
// spike is 2 packets (to cores 0 and 1, 1 X hop), each B spike 1 packet
// (1 hop); the host's packet enters at router 0 (0 hops).
func TestRecurrentHandTrace(t *testing.T) {
	a := neuron.Params{Kind: neuron.IFSubtract, Threshold: 2}
	b := neuron.Params{Kind: neuron.IFSubtract, Threshold: 1}
	net := &Network{Name: "loop",
		InputGroups: []InputGroup{{Name: "in", Size: 1}},
		Layers:      []Layer{{Name: "A", Size: 1, Neuron: a}, {Name: "B", Size: 1, Neuron: b}},
		Projections: []Projection{
			{From: Input(0), To: 0, Kind: ProjDense, Weights: []int8{2}},
			{From: Population(0), To: 0, Kind: ProjOneToOne, Weights: []int8{1}},
			{From: Population(0), To: 1, Kind: ProjDense, Weights: []int8{1}, Delay: 2},
			{From: Population(1), To: 0, Kind: ProjDense, Weights: []int8{1}},
		},
		Outputs: []int{1, 0},
	}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := []int{m.Cores[0].DelaySlots, m.Cores[1].DelaySlots}; !reflect.DeepEqual(got, []int{1, 3}) {
		t.Errorf("delay slots %v, want [1 3]", got)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	tr := sim.EnableTrace(10)
	res, err := sim.Run(context.Background(), fixedStim{{0}}, 10)
	if err != nil {
		t.Fatal(err)
	}
	raster := func(l int) []int {
		var ts []int
		for ti, x := range tr.Raster[l][:10] {
			if x != 0 {
				ts = append(ts, ti)
			}
		}
		return ts
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"A spikes at", raster(0), []int{1, 5, 9}},
		{"B spikes at", raster(1), []int{4, 8}},
		{"layer spikes", res.LayerSpikes, []uint64{3, 2}},
		{"layer synops", res.LayerSynOps, []uint64{5, 2}},
		{"scores (B then A)", res.Scores, []int64{2 * 1, 3 * 2}},
		{"prediction", res.Prediction(), 1},
		{"core A counts", res.CoreCounts[0].Packets, uint64(6)},
		{"core A hops", res.CoreCounts[0].HopsX, uint64(3)},
		{"core B counts", res.CoreCounts[1].Packets, uint64(2)},
		{"core B hops", res.CoreCounts[1].HopsX, uint64(2)},
		{"host", res.HostCounts, energy.Counts{HostPackets: 1}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestTwoInputGroups feeds one neuron from a binary and a graded group:
// channels 0-1 are group "bin", channel 2 group "cur". The magnitude of a
// binary event is ignored; a graded one multiplies the weight.
func TestTwoInputGroups(t *testing.T) {
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 100}
	net := &Network{Name: "two",
		InputGroups: []InputGroup{{Name: "bin", Size: 2}, {Name: "cur", Size: 1, Graded: true}},
		Layers:      []Layer{{Name: "A", Size: 1, Neuron: p}},
		Projections: []Projection{
			{From: Input(0), To: 0, Kind: ProjDense, Weights: []int8{1, 2}},
			{From: Input(1), To: 0, Kind: ProjSparse, Synapses: []Synapse{{Pre: 0, Post: 0, Weight: 3}}, WeightExp: 1},
		},
	}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	stim := eventStim{{{Channel: 0, Magnitude: 7}, {Channel: 1, Magnitude: 1}, {Channel: 2, Magnitude: 5}}}
	res, err := sim.Run(context.Background(), stim, 2)
	if err != nil {
		t.Fatal(err)
	}
	// 1 + 2 (binary) + 3*5 << 1 (graded, exponent 1) = 33
	if want := []int64{33}; !reflect.DeepEqual(res.Scores, want) {
		t.Errorf("scores %v, want %v", res.Scores, want)
	}
	if res.Counts.SynapticOps != 2 || res.Counts.SynapticMACs != 1 || res.HostCounts.HostPackets != 3 {
		t.Errorf("ops %d macs %d host packets %d, want 2, 1, 3", res.Counts.SynapticOps, res.Counts.SynapticMACs, res.HostCounts.HostPackets)
	}
	_, err = sim.Run(context.Background(), eventStim{{{Channel: 3, Magnitude: 1}}}, 2)
	if err == nil || !strings.Contains(err.Error(), "channel 3, the network has channels 0..2") {
		t.Errorf("out-of-range channel: got %v", err)
	}
}

type eventStim [][]InputEvent

func (e eventStim) Events(t int, dst []InputEvent) []InputEvent {
	if t < len(e) {
		dst = append(dst, e[t]...)
	}
	return dst
}

// rasterOf runs net on cfg with the given workers and delivery and returns
// the spike raster of every population and the result.
func rasterOf(t *testing.T, net *Network, cfg Config, workers int, stim Stimulus, T int) ([][]int8, Result) {
	t.Helper()
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, workers)
	if err != nil {
		t.Fatal(err)
	}
	tr := sim.EnableTrace(T)
	res, err := sim.Run(context.Background(), stim, T)
	if err != nil {
		t.Fatal(err)
	}
	return tr.Raster, res
}

// refRaster is a plain reference of the graph semantics: every timestep,
// each population's input is the sum over its projections of the weights
// (<< WeightExp) of the sources that spiked 1+Delay timesteps earlier
// (host frames likewise), and one neuron.Model per population steps it.
func refRaster(t *testing.T, net *Network, stim Stimulus, T int) [][]int8 {
	t.Helper()
	L := len(net.Layers)
	models := make([]neuron.Model, L)
	for l, ly := range net.Layers {
		m, err := neuron.New(ly.Neuron, ly.Size, ly.Bias)
		if err != nil {
			t.Fatal(err)
		}
		models[l] = m
	}
	out := make([][]int8, L)
	for l, ly := range net.Layers {
		out[l] = make([]int8, T*ly.Size)
	}
	frames := make([][]InputEvent, T)
	for ti := 0; ti+1 < T; ti++ {
		frames[ti] = stim.Events(ti, nil)
	}
	g := newGraph(net)
	for ti := 0; ti < T; ti++ {
		for l, ly := range net.Layers {
			in := make([]int64, ly.Size)
			for _, ei := range g.into[l] {
				e := &g.edges[ei]
				src := ti - 1 - e.Delay
				if src < 0 {
					continue
				}
				act := make([]int64, e.in) // source activity at src
				if e.From.Kind == FromInput {
					for _, ev := range frames[src] {
						gi, ch := 0, int(ev.Channel)
						for gi+1 < len(g.chanOff) && ch >= g.chanOff[gi+1] {
							gi++
						}
						if gi == e.From.Index {
							mag := int64(1)
							if net.Groups()[gi].Graded {
								mag = int64(ev.Magnitude)
							}
							act[ch-g.chanOff[gi]] += mag
						}
					}
				} else {
					n := net.Layers[e.From.Index].Size
					for j := range n {
						act[j] = int64(out[e.From.Index][src*n+j])
					}
				}
				for j := range ly.Size {
					e.sources(j, func(s int, w int8) { in[j] += act[s] * int64(w) << e.WeightExp })
				}
			}
			in32 := make([]int32, ly.Size)
			for j, v := range in {
				in32[j] = int32(v)
			}
			fired, _ := models[l].Step(in32, nil)
			for _, f := range fired {
				if f < 0 {
					out[l][ti*ly.Size+int(^f)] = -1
				} else {
					out[l][ti*ly.Size+int(f)] = 1
				}
			}
		}
	}
	return out
}

// randomGraph is a seeded recurrent network of every projection kind: two
// input groups (binary and graded), three IF populations, dense, sparse,
// one-to-one and convolutional projections, self-connections, delays and
// weight exponents.
func randomGraph(seed uint64, size int) *Network {
	rng := rand.New(rand.NewPCG(seed, 99))
	w := func(n int, lim int) []int8 {
		ws := make([]int8, n)
		for i := range ws {
			if rng.IntN(3) > 0 {
				ws[i] = int8(rng.IntN(2*lim+1) - lim)
			}
		}
		return ws
	}
	syn := func(in, out, n int) []Synapse {
		ss := make([]Synapse, n)
		for i := range ss {
			ss[i] = Synapse{Pre: int32(rng.IntN(in)), Post: int32(rng.IntN(out)), Weight: int8(rng.IntN(15) - 7)}
		}
		return ss
	}
	p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 12}
	side := 6
	cv := &Conv{InC: 2, InH: side, InW: side, OutC: 2, OutH: side, OutW: side / 2, KH: 3, KW: 2,
		StrideH: 1, StrideW: 2, PadH: 2, PadHEnd: 0, PadW: 1, PadWEnd: 0, DilH: 2, DilW: 1, Groups: 2}
	cv.OutH, cv.OutW = convOut(side, 2, 5, 1), convOut(side, 1, 2, 2)
	cv.Kernel = w(cv.OutC*cv.KH*cv.KW, 7)
	c := Layer{Name: "C", Size: cv.Out(), Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 6}}
	return &Network{Name: fmt.Sprintf("random%d", seed),
		InputGroups: []InputGroup{{Name: "bin", Size: 2 * side * side}, {Name: "cur", Size: 8, Graded: true}},
		Layers: []Layer{
			{Name: "A", Size: 2 * side * side, Neuron: p},
			{Name: "B", Size: size, Neuron: p, Bias: make([]int32, size)},
			c,
		},
		Projections: []Projection{
			{From: Input(0), To: 0, Kind: ProjOneToOne, Weights: w(2*side*side, 7), WeightExp: 2},
			{From: Input(1), To: 1, Kind: ProjDense, Weights: w(8*size, 3)},
			{From: Population(0), To: 1, Kind: ProjSparse, Synapses: syn(2*side*side, size, 6*size), Delay: 1},
			{From: Population(1), To: 1, Kind: ProjDense, Weights: w(size*size, 4), Delay: 3},
			{From: Population(0), To: 2, Kind: ProjConv, Conv: cv},
			{From: Population(2), To: 0, Kind: ProjSparse, Synapses: syn(c.Size, 2*side*side, 3*c.Size), Delay: 2},
			{From: Population(1), To: 0, Kind: ProjDense, Weights: w(size*2*side*side, 2)},
			{From: Population(2), To: 2, Kind: ProjOneToOne, Weights: w(c.Size, 5)},
		},
		Outputs: []int{2, 1},
	}
}

// randomStim sends random binary frames to group "bin" and graded events
// to group "cur".
type randomStim struct{ seed uint64 }

func (r randomStim) Events(t int, dst []InputEvent) []InputEvent {
	rng := rand.New(rand.NewPCG(r.seed, uint64(t)))
	for ch := range 72 {
		if rng.IntN(4) == 0 {
			dst = append(dst, InputEvent{Channel: int32(ch), Magnitude: 1})
		}
	}
	for ch := 72; ch < 80; ch++ {
		if rng.IntN(2) == 0 {
			dst = append(dst, InputEvent{Channel: int32(ch), Magnitude: uint8(rng.IntN(20))})
		}
	}
	return dst
}

// smallCores splits every population across cores of 8 neurons on a
// 4x4 mesh, so projections and delays cross cores and routers.
func smallCores(d DeliveryMode) Config {
	cfg, _ := Preset("tiny")
	cfg.NeuronsPerCore, cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter = 8, 4, 4, 2
	cfg.AxonsPerCore, cfg.SynapseMemoryBytes, cfg.FanoutPerCore = 4096, 1<<16, 4096
	cfg.Delivery = d
	return cfg
}

// TestGraphMatchesReference runs the random graph split across many
// cores (unicast and multicast) and on big cores, and checks every spike
// against the plain reference.
func TestGraphMatchesReference(t *testing.T) {
	const T = 24
	net := randomGraph(1, 30)
	stim := randomStim{5}
	want := refRaster(t, net, stim, T)
	for l, r := range want {
		n := 0
		for _, x := range r {
			n += int(x * x)
		}
		if n < 10 {
			t.Fatalf("population %s fires only %d spikes in the reference: a weak test", net.Layers[l].Name, n)
		}
	}
	big, _ := Preset("loihi")
	for _, tc := range []struct {
		name string
		cfg  Config
	}{{"loihi", big}, {"small-unicast", smallCores(Unicast)}, {"small-multicast", smallCores(Multicast)}} {
		got, _ := rasterOf(t, net, tc.cfg, 2, stim, T)
		for l := range want {
			if !slices.Equal(got[l], want[l]) {
				t.Errorf("%s: population %s raster differs from the reference", tc.name, net.Layers[l].Name)
			}
		}
	}
}

// TestSparseEqualsDense: a sparse projection that lists every non-zero
// weight of a dense one gives the same spikes and synaptic events.
func TestSparseEqualsDense(t *testing.T) {
	const T = 20
	dense := randomGraph(2, 24)
	sparse := randomGraph(2, 24)
	for i, p := range sparse.Projections {
		if p.Kind != ProjDense {
			continue
		}
		in, out := sparse.SourceSize(p.From), sparse.Layers[p.To].Size
		var ss []Synapse
		for a := range in {
			for j := range out {
				if w := p.Weights[a*out+j]; w != 0 {
					ss = append(ss, Synapse{Pre: int32(a), Post: int32(j), Weight: w})
				}
			}
		}
		rng := rand.New(rand.NewPCG(3, 4))
		rng.Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
		sparse.Projections[i].Kind, sparse.Projections[i].Weights, sparse.Projections[i].Synapses = ProjSparse, nil, ss
	}
	cfg := smallCores(Unicast)
	rd, resD := rasterOf(t, dense, cfg, 1, randomStim{6}, T)
	rs, resS := rasterOf(t, sparse, cfg, 1, randomStim{6}, T)
	if !reflect.DeepEqual(rd, rs) {
		t.Error("sparse twin spikes differently")
	}
	if resD.Counts.SynapticOps != resS.Counts.SynapticOps || !reflect.DeepEqual(resD.Scores, resS.Scores) {
		t.Errorf("synaptic ops %d vs %d; scores %v vs %v", resD.Counts.SynapticOps, resS.Counts.SynapticOps, resD.Scores, resS.Scores)
	}
}

// convDense expands a convolution into its dense In x Out weights.
func convDense(cv *Conv) []int8 {
	in, out := cv.In(), cv.Out()
	w := make([]int8, in*out)
	for j := range out {
		cv.Sources(j, func(src int, x int8) { w[src*out+j] += x })
	}
	return w
}

// TestConvEqualsDenseExpansion checks 2-D convolutions with per-axis
// stride, asymmetric padding, dilation and groups, and a 1-D convolution,
// against their dense expansions, spike for spike.
func TestConvEqualsDenseExpansion(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	kern := func(n int) []int8 {
		k := make([]int8, n)
		for i := range k {
			k[i] = int8(rng.IntN(11) - 4)
		}
		return k
	}
	cases := []*Conv{
		{InC: 2, InH: 7, InW: 6, OutC: 4, KH: 3, KW: 2, StrideH: 2, StrideW: 1, PadH: 1, PadHEnd: 2, PadW: 0, PadWEnd: 1, DilH: 2, DilW: 3, Groups: 2},
		{InC: 3, InH: 1, InW: 20, OutC: 2, KH: 1, KW: 4, StrideH: 1, StrideW: 2, PadW: 3, PadWEnd: 3, DilH: 1, DilW: 2, Groups: 1}, // conv1d
	}
	for ci, cv := range cases {
		cv.OutH = convOut(cv.InH, cv.PadH+cv.PadHEnd, cv.DilH*(cv.KH-1)+1, cv.StrideH)
		cv.OutW = convOut(cv.InW, cv.PadW+cv.PadWEnd, cv.DilW*(cv.KW-1)+1, cv.StrideW)
		cv.Kernel = kern(cv.OutC * cv.InC / cv.Groups * cv.KH * cv.KW)
		p := neuron.Params{Kind: neuron.IFSubtract, Threshold: 5}
		mk := func(pr Projection) *Network {
			return &Network{Name: fmt.Sprintf("conv%d", ci), InputGroups: []InputGroup{{Size: cv.In()}},
				Layers:      []Layer{{Name: "out", Size: cv.Out(), Neuron: p}},
				Projections: []Projection{pr}}
		}
		convNet := mk(Projection{From: Input(0), To: 0, Kind: ProjConv, Conv: cv, Delay: 1})
		denseNet := mk(Projection{From: Input(0), To: 0, Kind: ProjDense, Weights: convDense(cv), Delay: 1})
		stim := func(t int, dst []InputEvent) []InputEvent {
			r := rand.New(rand.NewPCG(uint64(ci), uint64(t)))
			for ch := range cv.In() {
				if r.IntN(3) == 0 {
					dst = append(dst, InputEvent{Channel: int32(ch), Magnitude: 1})
				}
			}
			return dst
		}
		rc, resC := rasterOf(t, convNet, smallCores(Unicast), 1, stimFunc(stim), 12)
		rd, resD := rasterOf(t, denseNet, smallCores(Unicast), 1, stimFunc(stim), 12)
		if resC.LayerSpikes[0] == 0 {
			t.Errorf("conv %d: no spikes: a weak test", ci)
		}
		if !reflect.DeepEqual(rc, rd) || !reflect.DeepEqual(resC.Scores, resD.Scores) {
			t.Errorf("conv %d differs from its dense expansion", ci)
		}
		if resC.Counts.SynapticOps != resD.Counts.SynapticOps {
			t.Errorf("conv %d: synaptic ops %d, dense %d", ci, resC.Counts.SynapticOps, resD.Counts.SynapticOps)
		}
	}
}

type stimFunc func(t int, dst []InputEvent) []InputEvent

func (f stimFunc) Events(t int, dst []InputEvent) []InputEvent { return f(t, dst) }

// TestGraphDeterministicAcrossWorkers: the same results for 1, 2 and 8
// workers, sample by sample (Run) and in batches (RunSamples), on a
// network large enough for the compute phase to go parallel.
func TestGraphDeterministicAcrossWorkers(t *testing.T) {
	net := randomGraph(3, 600)
	cfg := smallCores(Multicast)
	cfg.NeuronsPerCore = 64
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ref []Result
	for _, workers := range []int{1, 2, 8} {
		sim, err := NewSimulator(m, workers)
		if err != nil {
			t.Fatal(err)
		}
		var got []Result
		for i := range 2 {
			r, err := sim.Run(context.Background(), randomStim{uint64(i)}, 16)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		err = sim.RunSamples(context.Background(), Samples{N: 2, Timesteps: 16,
			Stimulus: func(i int) Stimulus { return randomStim{uint64(i)} },
			Each: func(i int, r Result) error {
				if !reflect.DeepEqual(r, got[i]) {
					t.Errorf("workers=%d: RunSamples sample %d differs from Run", workers, i)
				}
				return nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		if ref == nil {
			ref = got
			if ref[0].Counts.SynapticOps < 100000 {
				t.Errorf("only %d synaptic ops: the compute phase never goes parallel", ref[0].Counts.SynapticOps)
			}
			continue
		}
		if !reflect.DeepEqual(got, ref) {
			t.Errorf("workers=%d: results differ from workers=1", workers)
		}
	}
}

// TestRunUntilQuietWaitsForDelayedEvents: an event in a delay slot keeps
// the run going. Frame 0 reaches A (delay 5) at t6, A fires, and t7 is
// the first quiet timestep: 8 timesteps, not 2.
func TestRunUntilQuietWaitsForDelayedEvents(t *testing.T) {
	net := &Network{Name: "late", InputGroups: []InputGroup{{Size: 1}},
		Layers:      []Layer{{Name: "A", Size: 1, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 1}}},
		Projections: []Projection{{From: Input(0), To: 0, Kind: ProjDense, Weights: []int8{1}, Delay: 5}},
	}
	m, err := Map(net, traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.RunUntilQuiet(context.Background(), fixedStim{{0}}, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Quiet || res.Timesteps != 8 || res.LayerSpikes[0] != 1 {
		t.Errorf("quiet %v after %d timesteps with %d spikes, want quiet after 8 with 1", res.Quiet, res.Timesteps, res.LayerSpikes[0])
	}
}

// TestPlaceGraph: re-placing a recurrent graph's cores by traffic moves
// cores, never spikes.
func TestPlaceGraph(t *testing.T) {
	const T = 16
	net := randomGraph(4, 40)
	m, err := Map(net, smallCores(Unicast))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	sim.EnableTraffic()
	tr := sim.EnableTrace(T)
	before, err := sim.Run(context.Background(), randomStim{9}, T)
	if err != nil {
		t.Fatal(err)
	}
	rasterBefore := tr.Raster
	for _, p := range []Placement{Greedy, Anneal} {
		pm, err := Place(m, sim.Traffic(1), p, 1)
		if err != nil {
			t.Fatal(err)
		}
		if pm.PacketHops(sim.Traffic(1)) > m.PacketHops(sim.Traffic(1)) {
			t.Errorf("%s placement has more packet-hops than row-major", p)
		}
		psim, err := NewSimulator(pm, 1)
		if err != nil {
			t.Fatal(err)
		}
		ptr := psim.EnableTrace(T)
		res, err := psim.Run(context.Background(), randomStim{9}, T)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ptr.Raster, rasterBefore) || !reflect.DeepEqual(res.Scores, before.Scores) || res.Counts.SynapticOps != before.Counts.SynapticOps {
			t.Errorf("%s placement changed the spikes", p)
		}
	}
}
