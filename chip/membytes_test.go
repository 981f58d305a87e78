package chip

import (
	"context"
	"math"
	"runtime"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
)

// TestTraceBytesCoversEnableTrace measures EnableTrace's allocation for a
// long trace and checks that TraceBytes covers it (the bounded per-neuron
// records are counted at their maximum, so the estimate may be larger).
func TestTraceBytesCoversEnableTrace(t *testing.T) {
	m, err := Map(traceNet(), traceConfig())
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	const T = 100_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tr := sim.EnableTrace(T)
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tr)
	got, est := int64(after.TotalAlloc-before.TotalAlloc), TraceBytes(m, T)
	if est < got {
		t.Errorf("TraceBytes(T=%d) = %d, EnableTrace allocated %d", T, est, got)
	}
	if huge := TraceBytes(m, math.MaxInt); huge != math.MaxInt64 {
		t.Errorf("TraceBytes(MaxInt) = %d, want saturation", huge)
	}
}

// TestRunBytes: a 4096x2048 chip passes Validate but its mesh alone is
// gigabytes; RunBytes says so before anything is built, and counts one
// mesh per replica.
func TestRunBytes(t *testing.T) {
	c, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	c.MeshWidth, c.MeshHeight, c.CoresPerRouter, c.BufferDepth = 4096, 2048, 1, 1
	if err := c.Validate(); err != nil {
		t.Fatalf("the large chip is invalid, the test needs a valid one: %v", err)
	}
	one := c.RunBytes(1, 1)
	if one < 1<<30 {
		t.Errorf("RunBytes of a 4096x2048 mesh = %d, expected gigabytes", one)
	}
	if four := c.RunBytes(4, 100); four < 5*c.MeshBytes() {
		t.Errorf("RunBytes(4 workers) = %d, less than 5 meshes = %d", four, 5*c.MeshBytes())
	}
	if got := c.RunBytes(4, 1); got != one {
		t.Errorf("RunBytes(4 workers, 1 sample) = %d, want one mesh as with 1 worker = %d", got, one)
	}
	c.Placement = Greedy
	if got := c.RunBytes(1, 1); got <= one {
		t.Errorf("greedy placement adds nothing: %d", got)
	}
}

// TestRunBytesCoversARun builds a simulator on a 256x256 mesh, runs one
// sample and compares the live heap it holds with RunBytes: the estimate
// covers it and is within a factor of 2 of it (the mapping and the
// network's own state are not part of the estimate, and are small here).
func TestRunBytesCoversARun(t *testing.T) {
	c := traceConfig()
	c.MeshWidth, c.MeshHeight = 256, 256
	m, err := Map(traceNet(), c)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sim, err := NewSimulator(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sim.Run(context.Background(), fixedStim{{0, 1}, {0}}, 4)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(sim)
	runtime.KeepAlive(res)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	est := c.RunBytes(1, 1)
	t.Logf("RunBytes %d, live heap %d", est, live)
	if est < live || est > 2*live {
		t.Errorf("RunBytes = %d, a run of one sample keeps %d live", est, live)
	}
}

// TestSynapseBytesCoversNewSimulator measures NewSimulator's allocation
// for a network whose memory is its synapses (a convolution over many
// cores, then a dense layer) and checks that SynapseBytes plus RunBytes
// covers it, give or take the neuron state it does not count (allowed
// here at 64 bytes per neuron), and that the bound is not loose by more
// than a factor of 4.
func TestSynapseBytesCoversNewSimulator(t *testing.T) {
	kernel := make([]int8, 8*3*3)
	for i := range kernel {
		kernel[i] = int8(i%5 - 2)
	}
	conv := &Conv{InC: 1, InH: 64, InW: 64, OutC: 8, OutH: 62, OutW: 62, KH: 3, KW: 3, StrideH: 1, StrideW: 1, DilH: 1, DilW: 1, Groups: 1, Kernel: kernel}
	dense := make([]int8, 8*62*62*10)
	for i := range dense {
		dense[i] = int8(i % 3)
	}
	net := &Network{Name: "synbytes", Inputs: 64 * 64, Layers: []Layer{
		{Name: "c", Size: 8 * 62 * 62, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}, Conv: conv},
		{Name: "d", Size: 10, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 4}, Weights: dense},
	}}
	cfg, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sim, err := NewSimulator(m, 1)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(sim)
	got := int64(after.TotalAlloc - before.TotalAlloc)
	syn := m.SynapseBytes()
	neurons := int64(net.Neurons())
	if est := syn + cfg.RunBytes(1, 1) + 64*neurons; est < got {
		t.Errorf("SynapseBytes %d + RunBytes %d + 64 x %d neurons = %d, NewSimulator allocated %d", syn, cfg.RunBytes(1, 1), neurons, est, got)
	}
	if syn > 4*got {
		t.Errorf("SynapseBytes %d is more than 4 x the %d NewSimulator allocated", syn, got)
	}
	t.Logf("SynapseBytes %d, RunBytes %d, NewSimulator allocated %d", syn, cfg.RunBytes(1, 1), got)
}
