package chip

import (
	"cmp"
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/router"
)

// traceConfig is a 2x1 mesh with one core per router, so the two layers of
// traceNet sit on neighbouring routers and every spike packet makes one hop.
func traceConfig() Config {
	return Config{
		Name: "trace", MeshWidth: 2, MeshHeight: 1, CoresPerRouter: 1,
		NeuronsPerCore: 8, AxonsPerCore: 8, SynapseMemoryBytes: 64, WeightBits: 8, FanoutPerCore: 8,
		ClockMHz: 100, SynapseCycles: 1, NeuronCycles: 2, NeuronIdleCycles: 1, SpikeCycles: 1,
		HopCyclesX: 2, HopCyclesY: 3, BufferDepth: 4, Routing: router.XY,
		BarrierBaseCycles: 10, BarrierPerRouter: 1,
	}
}

// traceNet: 2 inputs -> a (2 IF neurons, threshold 2) -> b (1 IF neuron, threshold 3).
func traceNet() *Network {
	return &Network{Name: "trace", Inputs: 2, Layers: []Layer{
		{Name: "a", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 2},
			Weights: []int8{1, 2, 0, 1}}, // input 0 -> {1, 2}; input 1 -> {0, 1}
		{Name: "b", Size: 1, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 3},
			Weights: []int8{1, 1}},
	}}
}

// runOn builds a simulator for m with the given workers, lets setup
// adjust it (nil: nothing), and runs one sample for T timesteps.
func runOn(t *testing.T, m *Mapping, workers int, stim Stimulus, T int, setup func(*Simulator)) Result {
	t.Helper()
	sim, err := NewSimulator(m, workers)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(sim)
	}
	res, err := sim.Run(context.Background(), stim, T)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

type fixedStim [][]int32

func (f fixedStim) Events(t int, dst []InputEvent) []InputEvent {
	if t < len(f) {
		for _, ch := range f[t] {
			dst = append(dst, InputEvent{Channel: ch, Magnitude: 1})
		}
	}
	return dst
}

// TestRunHandTrace checks every count and cycle of a 4-timestep run against
// values worked out by hand (see the comments for each timestep).
func TestRunHandTrace(t *testing.T) {
	m, err := Map(traceNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	// t0: host sends inputs 0,1 (arrive cycles 0,1: one per cycle on the
	//     injection link); cores idle: a busy 2, b busy 1. Step 2+12 = 14.
	// t1: a integrates rows 0,1 (3 ops): v = {1,3}; neuron 1 fires (v=1).
	//     busy = 3 + 2*2 + 1 = 8, spike leaves at 8, arrives at b at 10 (one
	//     X hop of 2). Host sends input 0 (arrives 0). Mesh-bound: 10+12 = 22.
	// t2: a integrates row 0 (2 ops): v = {2,3}: both fire (v = {0,1}),
	//     busy = 2+4+2 = 8, spikes leave at 7 and 8, arrive 9 and 10.
	//     b integrates a1 (1 op): v = 1, busy 1+2 = 3. Mesh-bound: 22.
	// t3: a idle (busy 2). b integrates a0, a1 (2 ops): v = 2+... = 3, fires,
	//     busy 2+2+1 = 5. No packets. 5+12 = 17.
	res, err := sim.Run(context.Background(), fixedStim{{0, 1}, {0}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := energy.Counts{
		SynapticOps: 8, SynMemReadBits: 72, NeuronUpdates: 6, NeuronIdle: 6,
		Spikes: 4, Packets: 3, HostPackets: 3, HopsX: 3, Barriers: 4,
	}
	if res.Counts != want {
		t.Errorf("counts\n got %+v\nwant %+v", res.Counts, want)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"core a counts", res.CoreCounts[0], energy.Counts{SynapticOps: 5, SynMemReadBits: 48, NeuronUpdates: 4, NeuronIdle: 4, Spikes: 3, Packets: 3, HopsX: 3}},
		{"core b counts", res.CoreCounts[1], energy.Counts{SynapticOps: 3, SynMemReadBits: 24, NeuronUpdates: 2, NeuronIdle: 2, Spikes: 1}},
		{"host counts", res.HostCounts, energy.Counts{HostPackets: 3}},
		{"cycles", res.Cycles, uint64(75)},
		{"step max", res.StepCyclesMax, uint64(22)},
		{"compute cycles", res.ComputeCycles, uint64(23)},
		{"mesh cycles", res.MeshCycles, uint64(21)},
		{"mesh-last steps", res.MeshLast, 2},
		{"drain cycles", res.DrainCycles, uint64(4)},
		{"layer spikes", res.LayerSpikes, []uint64{3, 1}},
		{"layer synops", res.LayerSynOps, []uint64{5, 3}},
		{"scores", res.Scores, []int64{3}},
		{"mesh packets", res.Mesh.Packets, uint64(6)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// A second run from reset must give the same result.
	again, err := sim.Run(context.Background(), fixedStim{{0, 1}, {0}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res, again) {
		t.Errorf("second run differs:\n%+v\n%+v", res, again)
	}
}

func TestRunRejectsBadTimesteps(t *testing.T) {
	m, err := Map(traceNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sim.Run(context.Background(), fixedStim{}, 0); err == nil {
		t.Fatal("T=0 accepted")
	}
}

// TestSynapticOpsEqualSpikesTimesFanout: with every weight non-zero and the
// network quiet by the last timestep (so every spike was delivered), the
// synaptic events into layer l are exactly the spikes of layer l-1 (host
// events for layer 0) times layer l's size, on any number of workers.
func TestSynapticOpsEqualSpikesTimesFanout(t *testing.T) {
	net := denseNet(20, 100, 40, 5)
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	stim := fixedStim{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {0, 1, 2, 3, 4, 5, 6, 7}, {12, 13, 14, 15, 16, 17, 18, 19}}
	const T = 40
	var first Result
	for _, workers := range []int{1, 3} {
		sim, err := NewSimulator(m, workers)
		if err != nil {
			t.Fatal(err)
		}
		res, err := sim.Run(context.Background(), stim, T)
		if err != nil {
			t.Fatal(err)
		}
		hostEvents := uint64(12 + 8 + 8)
		if got, want := res.LayerSynOps[0], hostEvents*100; got != want {
			t.Errorf("layer 0: %d synaptic ops, want %d", got, want)
		}
		for l := 1; l < len(net.Layers); l++ {
			if got, want := res.LayerSynOps[l], res.LayerSpikes[l-1]*uint64(net.Layers[l].Size); got != want {
				t.Errorf("layer %d: %d synaptic ops, want %d spikes x %d", l, got, res.LayerSpikes[l-1], net.Layers[l].Size)
			}
		}
		if res.LayerSpikes[2] == 0 {
			t.Fatal("output layer never fired; the test would be vacuous")
		}
		// Packets: each spike of a non-output layer goes to every core of the next.
		var packets uint64
		for l := 0; l+1 < len(net.Layers); l++ {
			packets += res.LayerSpikes[l] * uint64(len(m.LayerCores[l+1]))
		}
		if res.Counts.Packets != packets || res.Counts.HostPackets != hostEvents*uint64(len(m.LayerCores[0])) {
			t.Errorf("packets %d host %d, want %d and %d", res.Counts.Packets, res.Counts.HostPackets, packets, hostEvents*uint64(len(m.LayerCores[0])))
		}
		if workers == 1 {
			first = res
		} else if !reflect.DeepEqual(first, res) {
			t.Errorf("workers=%d differs from workers=1", workers)
		}
	}
}

// TestSparseFormat: sparse rows store only non-zero weights with a 3-bit
// neuron index (8 neurons per core), and a spike reads only those entries.
func TestSparseFormat(t *testing.T) {
	cfg := traceConfig()
	cfg.SynapseFormat = Sparse
	m, err := Map(traceNet(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Layer a has 3 non-zero weights, layer b 2; each entry is 8+3 bits.
	if a, b := m.Cores[0].SynMemBits, m.Cores[1].SynMemBits; a != 33 || b != 22 {
		t.Errorf("synaptic memory %d and %d bits, want 33 and 22", a, b)
	}
	res := runOn(t, m, 1, fixedStim{{0, 1}, {0}}, 4, nil)
	if res.Counts.SynapticOps != 8 || res.Counts.SynMemReadBits != 8*11 || res.Counts.SynapticOpsSparse != 8 || res.Counts.SynapticOpsConv != 0 {
		t.Errorf("ops %d (sparse %d, conv %d), bits read %d; want 8 (8, 0) and 88", res.Counts.SynapticOps,
			res.Counts.SynapticOpsSparse, res.Counts.SynapticOpsConv, res.Counts.SynMemReadBits)
	}
}

// TestTraceAndLinkCounts: the per-timestep trace and the per-link flit
// counts add up to the run's totals.
func TestTraceAndLinkCounts(t *testing.T) {
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(denseNet(20, 100, 40, 5), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	tr := sim.EnableTrace(40)
	stim := fixedStim{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {0, 1, 2, 3, 4, 5, 6, 7}, {12, 13, 14, 15, 16, 17, 18, 19}}
	res, err := sim.Run(context.Background(), stim, 40)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(xs []uint64) (s uint64) {
		for _, x := range xs {
			s += x
		}
		return s
	}
	if sum(tr.Spikes) != res.Counts.Spikes || sum(tr.SynOps) != res.Counts.SynapticOps || sum(tr.BusyCycles) == 0 {
		t.Errorf("trace spikes %d ops %d; result %d %d", sum(tr.Spikes), sum(tr.SynOps), res.Counts.Spikes, res.Counts.SynapticOps)
	}
	if got := sum(res.LinkFlits); got != res.Mesh.FlitHops || got != sum(tr.LinkFlits) || got == 0 {
		t.Errorf("link flits %d, trace %d, mesh flit-hops %d", got, sum(tr.LinkFlits), res.Mesh.FlitHops)
	}
	if res.Latency.Count() != res.Mesh.Packets || res.Latency.Max() != res.Mesh.LatencyMax {
		t.Errorf("latency histogram %d packets max %d; mesh %d, %d", res.Latency.Count(), res.Latency.Max(), res.Mesh.Packets, res.Mesh.LatencyMax)
	}
	if tr.Samples != 1 {
		t.Errorf("trace samples %d", tr.Samples)
	}
}

// TestRowKernels checks the unrolled kernels against the plain loops on
// every length around the unroll width.
func TestRowKernels(t *testing.T) {
	for n := 0; n < 40; n++ {
		row := make([]int8, n)
		for i := range row {
			row[i] = int8(i*37 - 100)
		}
		a, b := make([]int32, n), make([]int32, n)
		for i := range a {
			a[i], b[i] = int32(i), int32(i)
		}
		addRow(a, row)
		subRow(a, row)
		subRow(a, row)
		macRow(a, row, 3)
		for j := range b {
			b[j] += int32(row[j]) * 2
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("n=%d: %v, want %v", n, a, b)
		}
	}
}

// TestIdleSkipChangesNothing: skipping idle cores gives exactly the result
// of updating every core every timestep.
func TestIdleSkipChangesNothing(t *testing.T) {
	for _, net := range []*Network{denseNet(20, 100, 40, 5), traceNet()} {
		cfg, _ := Preset("tiny")
		m, err := Map(net, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got [2]Result
		for i, noSkip := range []bool{false, true} {
			got[i] = runOn(t, m, 2, fixedStim{{0, 1}, {0}, {1}, {}, {0}}, 40, func(sim *Simulator) { sim.noSkip = noSkip })
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("%s: skipping idle cores changed the result:\n%+v\n%+v", net.Name, got[0].Counts, got[1].Counts)
		}
	}
}

// TestMergeRuns checks the merge of per-source packet runs against a
// stable sort, for runs that overlap, touch, come in order or are single.
func TestMergeRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := range 300 {
		var st meshStep
		st.runs = []int{0}
		nruns := 1 + rng.IntN(9)
		base := uint64(0)
		for r := range nruns {
			size := rng.IntN(20) // empty runs too
			switch trial % 3 {
			case 0: // overlapping
				base = uint64(rng.IntN(50))
			case 1: // in order, sometimes touching
				if rng.IntN(2) == 0 {
					base += uint64(rng.IntN(3))
				}
			case 2: // the first run at 0, the rest overlapping
				if r > 0 {
					base = uint64(rng.IntN(50))
				}
			}
			at := base
			for range size {
				st.pk = append(st.pk, router.Packet{Inject: at, Tag: uint32(len(st.pk))})
				at += uint64(rng.IntN(4))
				if trial%3 == 2 && r == 0 {
					at = 0
				}
			}
			if trial%3 == 1 {
				base = at
			}
			st.runs = append(st.runs, len(st.pk))
		}
		want := slices.Clone(st.pk)
		slices.SortStableFunc(want, func(a, b router.Packet) int { return cmp.Compare(a.Inject, b.Inject) })
		st.mergeRuns()
		if !slices.Equal(st.pk, want) {
			t.Fatalf("trial %d: merged\n%v\nwant\n%v", trial, st.pk, want)
		}
	}
}

// smallBatch maps a random 64-48-10 network onto the loihi preset with
// the given delivery, and gives each sample its own Bernoulli input.
func smallBatch(t *testing.T, d DeliveryMode) (*Mapping, func(int) Stimulus) {
	t.Helper()
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Delivery = d
	m, err := Map(randomNet(64, 48, 10), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m, func(i int) Stimulus {
		return &bernoulliStim{n: 64, p: 0.2, rng: rand.New(rand.NewPCG(5, uint64(i)))}
	}
}

// TestRunSamples checks that a batch run gives every sample the result Run
// gives it, in order, for any number of workers, with unicast and
// multicast delivery, and that an error from Each stops the batch.
func TestRunSamples(t *testing.T) {
	for _, delivery := range []DeliveryMode{Unicast, Multicast} {
		m, stim := smallBatch(t, delivery)
		one, err := NewSimulator(m, 1)
		if err != nil {
			t.Fatal(err)
		}
		const N = 13
		var want []Result
		for i := range N {
			r, err := one.Run(context.Background(), stim(i), 12)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, r)
		}
		for _, workers := range []int{1, 2, 3, 8} {
			sim, err := NewSimulator(m, workers)
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // replicas are reused
				got := 0
				err := sim.RunSamples(context.Background(), Samples{N: N, Timesteps: 12, Stimulus: stim,
					Each: func(i int, r Result) error {
						if i != got {
							t.Fatalf("%s, %d workers: sample %d delivered as number %d", delivery, workers, i, got)
						}
						if !reflect.DeepEqual(r, want[i]) {
							t.Errorf("%s, %d workers: sample %d differs from Run", delivery, workers, i)
						}
						got++
						return nil
					}})
				if err != nil || got != N {
					t.Fatalf("%s, %d workers: %d samples, error %v", delivery, workers, got, err)
				}
			}
			stop := errors.New("stop")
			calls := 0
			err = sim.RunSamples(context.Background(), Samples{N: N, Timesteps: 12, Stimulus: stim,
				Each: func(i int, r Result) error {
					calls++
					if i == 4 {
						return stop
					}
					return nil
				}})
			if !errors.Is(err, stop) || calls != 5 {
				t.Errorf("%s, %d workers: Each error: got %v after %d calls, want stop after 5", delivery, workers, err, calls)
			}
		}
	}
}

// TestRunSamplesCancel: a cancelled context ends a batch with its error,
// whether it was cancelled before the start or while Each was slow and
// every worker waited for room.
func TestRunSamplesCancel(t *testing.T) {
	m, stim := smallBatch(t, Unicast)
	sim, err := NewSimulator(m, 2)
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		slow := trial%2 == 1
		if !slow {
			cancel()
		}
		done := make(chan error, 1)
		go func() {
			done <- sim.RunSamples(ctx, Samples{N: 50, Timesteps: 8, Stimulus: stim,
				Each: func(i int, r Result) error {
					if slow && i == 1 {
						time.Sleep(20 * time.Millisecond) // the window fills up
						cancel()
						time.Sleep(20 * time.Millisecond)
					}
					return nil
				}})
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("trial %d: error %v, want context.Canceled", trial, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("trial %d: RunSamples did not return after cancellation", trial)
		}
		cancel()
	}
}

// everyStep sends the same channels at every timestep.
type everyStep []int32

func (e everyStep) Events(_ int, dst []InputEvent) []InputEvent {
	for _, ch := range e {
		dst = append(dst, InputEvent{Channel: ch, Magnitude: 1})
	}
	return dst
}

// TestEveryInputFrameIsIntegrated: the first layer integrates an input
// frame one timestep after the host sends it, so a run of T timesteps
// sends frames 0..T-2 only, and every host packet sent becomes synaptic
// events in the first layer: no frame is routed and counted but unused.
func TestEveryInputFrameIsIntegrated(t *testing.T) {
	net := denseNet(20, 100, 40, 5)
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	stim := everyStep{0, 3, 7, 19}
	const T = 6
	res := runOn(t, m, 1, stim, T, nil)
	cores0 := uint64(len(m.LayerCores[0]))
	frames := res.Counts.HostPackets / (cores0 * uint64(len(stim)))
	if got, want := res.LayerSynOps[0], frames*uint64(len(stim))*uint64(net.Layers[0].Size); got != want {
		t.Errorf("layer 0 integrated %d synaptic events; the %d host packets (%d frames) carry %d", got, res.Counts.HostPackets, frames, want)
	}
	if frames != T-1 {
		t.Errorf("host sent %d frames in %d timesteps, want %d (the last timestep's frame could not be integrated)", frames, T, T-1)
	}
}
