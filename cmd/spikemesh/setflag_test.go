package main

import (
	"strings"
	"testing"
)

// TestSetOnExploreBase: --set changes the space's base chip and energy
// model, and the chip's name records it.
func TestSetOnExploreBase(t *testing.T) {
	sf := setFlag{items: []string{"axons_per_core=2048", "energy.synop=30pJ", "synapse_memory_bytes=64KiB"}}
	s, err := loadSpace("", true, false, false, false, &sf)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Base.Chip
	if c.AxonsPerCore != 2048 || c.SynapseMemoryBytes != 64<<10 || !strings.Contains(c.Name, "with axons_per_core=2048, synapse_memory_bytes=64KiB") {
		t.Errorf("base chip %s: %d axons, %d B", c.Name, c.AxonsPerCore, c.SynapseMemoryBytes)
	}
	if e := s.Base.Energy; e.SynapticOpPJ != 30 || e.Sources != nil || e.Description != "" {
		t.Errorf("base energy: synaptic op %g pJ, sources %v, description %q", e.SynapticOpPJ, e.Sources, e.Description)
	}
	plain, err := loadSpace("", true, false, false, false, &setFlag{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Base.Chip.AxonsPerCore != 4096 {
		t.Errorf("without --set the base chip has %d axons", plain.Base.Chip.AxonsPerCore)
	}
}

// TestNocFromChip: noc --chip takes the mesh from the chip; explicit flags
// still win.
func TestNocFromChip(t *testing.T) {
	out, stderr, code := run(t, "noc", "--chip", "loihi", "--set", "hop_cycles_y=8", "--rates", "0.05", "--warmup", "50", "--measure", "200")
	if code != 0 {
		t.Fatalf("noc --chip: %s", stderr)
	}
	if want := "chip loihi with hop_cycles_y=8: mesh 8x4, xy routing, uniform traffic; buffers 16 flits, hop 8,"; !strings.HasPrefix(out, want) {
		t.Errorf("header %q, want it to start with %q", strings.SplitN(out, "\n", 2)[0], want)
	}
	out, stderr, code = run(t, "noc", "--chip", "loihi", "--mesh", "4x4", "--depth", "4", "--rates", "0.05", "--warmup", "50", "--measure", "200")
	if code != 0 {
		t.Fatalf("noc --chip --mesh: %s", stderr)
	}
	if want := "chip loihi: mesh 4x4, xy routing, uniform traffic; buffers 4 flits, hop 8 east-west, 13 north-south,"; !strings.HasPrefix(out, want) {
		t.Errorf("header %q, want it to start with %q", strings.SplitN(out, "\n", 2)[0], want)
	}
}
