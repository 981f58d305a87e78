package sanafe

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

func TestParseArch(t *testing.T) {
	a, err := ParseArch("arch_small.yaml", readFixture(t, "arch_small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := chip.Preset("loihi")
	be, _ := energy.Preset("loihi")
	cfg, e, notes, err := a.Chip(base, be)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MeshWidth != 2 || cfg.MeshHeight != 2 || cfg.CoresPerRouter != 2 || cfg.NeuronsPerCore != 64 {
		t.Errorf("mesh %dx%d, %d cores per tile, %d neurons per core; want 2x2, 2, 64", cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter, cfg.NeuronsPerCore)
	}
	// Latencies in 0.1 ns cycles: hop x 3 ns, y 6 ns, synapse 1.5 ns,
	// idle 1 ns, update 1 + 0.5 ns, spike 4 + 1 ns, message in 2 ns.
	if cfg.HopCyclesX != 30 || cfg.HopCyclesY != 60 || cfg.SynapseCycles != 15 || cfg.NeuronIdleCycles != 10 ||
		cfg.NeuronCycles != 15 || cfg.SpikeCycles != 50 || cfg.EjectCycles != 20 {
		t.Errorf("cycles: hop %d/%d syn %d idle %d update %d spike %d eject %d", cfg.HopCyclesX, cfg.HopCyclesY,
			cfg.SynapseCycles, cfg.NeuronIdleCycles, cfg.NeuronCycles, cfg.SpikeCycles, cfg.EjectCycles)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(e.SynapticOpPJ, 10) || !near(e.NeuronIdlePJ, 5) || !near(e.NeuronUpdatePJ, 8) || !near(e.SpikePJ, 7) ||
		!near(e.PacketPJ, 12) || !near(e.HopXPJ, 2) || !near(e.HopYPJ, 4) || e.StaticPerCoreMW != 0 {
		t.Errorf("energy model %+v", e)
	}
	if cfg.BarrierBaseCycles != 0 || cfg.BarrierPerRouter != 0 {
		t.Errorf("barrier %d + %d per router, want 0 (no sync_model: SANA-FE's fixed 0)", cfg.BarrierBaseCycles, cfg.BarrierPerRouter)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{`"link_buffer_size"`, "2 synapse units", "weight_bits, routing and packet format"} {
		if !strings.Contains(joined, want) {
			t.Errorf("unsupported fields %q lack %q", joined, want)
		}
	}
	// Per-edge synapse costs follow the target group's synapse_hw_name.
	net, err := ParseNetwork("n.yaml", []byte(`network:
  groups:
    - {name: a, attributes: {threshold: 1, soma_hw_name: lif}, neurons: [0]}
    - {name: b, attributes: {threshold: 1, synapse_hw_name: syn_b}, neurons: [0]}
  edges:
    - a.0 -> b.0: {weight: 1}
    - b.0 -> a.0: {weight: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Costs("n.yaml", net)
	if err != nil {
		t.Fatal(err)
	}
	if !near(c.EdgeSynPJ[0], 20) || !near(c.EdgeSynPJ[1], 10) || !near(c.Soma[0].AccessPJ, 5) || !near(c.Soma[1].SpikePJ, 7) || !near(c.MessagePJ, 12) {
		t.Errorf("costs %+v", c)
	}
	// Edges of 1 connection each at 2.5 ns and 1.5 ns: 2 ns, 20 cycles;
	// weighted 3:1, 2.25 ns, 22.5 rounds to 23 cycles (away from zero).
	if got := c.SynapseCycles([]int64{1, 1}); got != 20 {
		t.Errorf("synapse cycles %d, want 20", got)
	}
	if got := c.SynapseCycles([]int64{3, 1}); got != 23 {
		t.Errorf("weighted synapse cycles %d, want 23", got)
	}
	// SANA-FE's table: the entry with the largest key <= the mapped tiles.
	tab, err := ParseArch("t.yaml", []byte("architecture:\n  name: t\n  attributes: {width: 1, height: 1, sync_model: table, latency_sync: {1: 0.6e-6, 4: 1.4e-6}}\n  tile:\n    - name: t\n      core:\n        - name: c\n"))
	if err != nil {
		t.Fatal(err)
	}
	for tiles, want := range map[int]int{0: 6000, 1: 6000, 3: 6000, 4: 14000, 29: 14000} {
		if got := tab.SyncCycles(tiles); got != want {
			t.Errorf("sync for %d tiles: %d cycles, want %d", tiles, got, want)
		}
	}
	if _, err := ParseArch("x.yaml", []byte("architecture:\n  name: x\n  attributes: {topology: torus}\n")); err == nil || !strings.Contains(err.Error(), "only mesh") {
		t.Errorf("torus: %v", err)
	}
}

// TestArchCostBounds: a latency or energy that is negative, not finite or
// beyond MaxLatencyS / MaxEnergyJ is refused as the file is read, naming
// file, line and attribute.
func TestArchCostBounds(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "arch_small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"latency_north_hop: 6.0e-9", "latency_north_hop: 1e300", "arch.yaml:10: tile: latency_north_hop: 1e+300 s is outside [0, 1e-06]"},
		{"latency_process_spike: 1.5e-9", "latency_process_spike: -1.5e-9", "arch.yaml:25: synapse: latency_process_spike: -1.5e-09 s is outside [0, 1e-06]"},
		{"energy_spike_out: 7.0e-12", "energy_spike_out: .inf", "arch.yaml:39: soma: energy_spike_out: expected a finite number"},
		{"energy_east_hop: 2.0e-12", "energy_east_hop: .nan", "arch.yaml:13: tile: energy_east_hop: expected a finite number"},
		{"energy_message_out: 11.0e-12", "energy_message_out: 2.0e-3", "arch.yaml:43: axon_out: energy_message_out: 0.002 J is outside [0, 1e-06]"},
	} {
		src := strings.Replace(string(data), tc.old, tc.new, 1)
		if src == string(data) {
			t.Fatalf("fixture lacks %q", tc.old)
		}
		_, err := ParseArch("arch.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.new, err, tc.want)
		}
	}
}

// TestUnitModels: unit models are parsed once into UnitModel; a model of
// another kind of unit, or something that is not a model name, is refused
// with file, line and unit kind; another SANA-FE model (truenorth) is
// read as UnitOther and refused only where a group would run on it.
func TestUnitModels(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "arch_small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseArch("arch.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if a.Somas[0].Model != UnitLIF || a.Synapses[0].Model != UnitCurrentBased || a.Dendrites[0].Model != UnitAccumulator || a.AxonIn[0].Model != UnitDefault {
		t.Errorf("models %v %v %v %v, want leaky_integrate_fire current_based accumulator default", a.Somas[0].Model, a.Synapses[0].Model, a.Dendrites[0].Model, a.AxonIn[0].Model)
	}
	for _, tc := range []struct{ old, new, want string }{
		{"model: current_based, energy_process_spike: 10.0e-12", "model: leaky_integrate_fire, energy_process_spike: 10.0e-12",
			"arch.yaml:25: synapse: model: leaky_integrate_fire is a soma model, not a synapse one"},
		{"model: leaky_integrate_fire", "model: \"lif; rm -rf\"", "arch.yaml:34: soma: model: expected a model name"},
	} {
		_, err := ParseArch("arch.yaml", []byte(strings.Replace(string(data), tc.old, tc.new, 1)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.new, err, tc.want)
		}
	}
	tn, err := ParseArch("arch.yaml", []byte(strings.Replace(string(data), "model: leaky_integrate_fire", "model: truenorth", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if m := tn.Somas[0]; m.Model != UnitOther || m.ModelName != "truenorth" {
		t.Errorf("soma model %v %q, want other, truenorth", m.Model, m.ModelName)
	}
	if _, _, _, err := tn.Chip(chip.Config{Name: "base"}, baseEnergy(t)); err == nil || !strings.Contains(err.Error(), "has no leaky_integrate_fire soma unit") {
		t.Errorf("Chip on a truenorth soma: %v", err)
	}
}
