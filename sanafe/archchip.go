package sanafe

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
)

// Chip returns the chip configuration and energy model for a: the mesh,
// cores per tile, neurons per core, per-event latencies (converted to
// cycles of ArchClockMHz) and energies. What SANA-FE's format has no
// figure for is taken from base (a spikemesh preset) and listed, with
// every architecture field spikemesh does not model, in the returned
// lines. SANA-FE models no synaptic memory, axon or fan-out limit: those
// are set to the largest the chip configuration accepts.
func (a *Arch) Chip(base chip.Config, baseEnergy energy.Model) (chip.Config, energy.Model, []string, error) {
	notes := slices.Clone(a.Ignored)
	cfg := base
	cfg.Name, cfg.Description = a.Name, "imported from a SANA-FE architecture file"
	cfg.MeshWidth, cfg.MeshHeight, cfg.CoresPerRouter = a.Width, a.Height, a.CoresPerTile
	if a.MaxNeurons > 0 {
		cfg.NeuronsPerCore = a.MaxNeurons
	}
	cfg = Unlimited(cfg)
	cfg.ClockMHz = ArchClockMHz
	cyc := func(ns float64) int { return int(math.Round(ns * ArchClockMHz / 1000)) }
	soma, ok := a.soma("")
	if !ok {
		return cfg, baseEnergy, nil, fmt.Errorf("sanafe: architecture %s has no leaky_integrate_fire soma unit", quote(a.Name))
	}
	syn, ok := a.Synapse("")
	if !ok {
		return cfg, baseEnergy, nil, fmt.Errorf("sanafe: architecture %s has no synapse unit", quote(a.Name))
	}
	cfg.SynapseCycles = cyc(syn.Lat["latency_process_spike"])
	cfg.NeuronIdleCycles = cyc(soma.Lat["latency_access_neuron"])
	cfg.NeuronCycles = cyc(soma.Lat["latency_access_neuron"] + soma.Lat["latency_update_neuron"])
	var outNS, inNS, outPJ, inPJ float64
	if len(a.AxonOut) > 0 {
		outNS, outPJ = a.AxonOut[0].Lat["latency_message_out"], a.AxonOut[0].Energy["energy_message_out"]
	}
	if len(a.AxonIn) > 0 {
		inNS, inPJ = a.AxonIn[0].Lat["latency_message_in"], a.AxonIn[0].Energy["energy_message_in"]
	}
	cfg.SpikeCycles = cyc(soma.Lat["latency_spike_out"] + outNS)
	cfg.EjectCycles = cyc(inNS)
	cfg.InjectCycles = 0
	cfg.HopCyclesX = cyc(max(a.HopNS[1], a.HopNS[3]))
	cfg.HopCyclesY = cyc(max(a.HopNS[0], a.HopNS[2]))
	if a.HopNS[1] != a.HopNS[3] || a.HopNS[0] != a.HopNS[2] {
		notes = append(notes, "hop latencies differ by direction; spikemesh's mesh has one per axis: the larger is used")
	}
	cfg.BufferDepth = max(cfg.BufferDepth, cfg.HopCyclesY+1)
	notes = append(notes,
		fmt.Sprintf("weight_bits, routing and packet format: from spikemesh preset %s (SANA-FE's format has no such fields)", base.Name))
	// The barrier is SANA-FE's synchronisation; for all tiles here, for
	// the tiles a mapping uses once it is known (SyncCycles).
	cfg.BarrierBaseCycles, cfg.BarrierPerRouter = a.SyncCycles(a.Tiles), 0
	e := baseEnergy
	e.Name, e.Description = a.Name, "imported from a SANA-FE architecture file"
	e.Sources = map[string]string{}
	set := func(key string, v float64, src string) {
		f, _ := findCostPtr(&e, key)
		*f = v
		e.Sources[key] = "SANA-FE architecture " + a.Name + ": " + src
	}
	set("synaptic_op", syn.Energy["energy_process_spike"], syn.Name+" energy_process_spike")
	set("synaptic_op_conv", syn.Energy["energy_process_spike"], syn.Name+" energy_process_spike")
	set("synaptic_op_sparse", syn.Energy["energy_process_spike"], syn.Name+" energy_process_spike")
	set("syn_mem_read_bit", 0, "no memory-read cost (folded into energy_process_spike)")
	set("neuron_idle", soma.Energy["energy_access_neuron"], soma.Name+" energy_access_neuron")
	set("neuron_update", soma.Energy["energy_access_neuron"]+soma.Energy["energy_update_neuron"], soma.Name+" energy_access_neuron + energy_update_neuron")
	set("spike", soma.Energy["energy_spike_out"], soma.Name+" energy_spike_out")
	set("packet", outPJ+inPJ, "axon energy_message_out + energy_message_in")
	set("host_packet", outPJ+inPJ, "axon energy_message_out + energy_message_in (input neurons' messages)")
	set("hop_x", (a.HopPJ[1]+a.HopPJ[3])/2, "tile energy_east_hop and energy_west_hop (mean)")
	set("hop_y", (a.HopPJ[0]+a.HopPJ[2])/2, "tile energy_north_hop and energy_south_hop (mean)")
	set("barrier", 0, "no synchronisation energy")
	set("static_per_core", 0, "no static power")
	set("static_per_chip", 0, "no static power")
	for _, d := range a.Dendrites {
		for _, k := range slices.Sorted(maps.Keys(d.Energy)) {
			if d.Energy[k] != 0 {
				notes = append(notes, fmt.Sprintf("dendrite unit %s %s: spikemesh's dendrite (the core's accumulator) has no cost of its own", d.Name, k))
			}
		}
	}
	if len(a.Somas) > 1 {
		notes = append(notes, fmt.Sprintf("%d soma units: spikemesh's energy model and timing price every neuron as %s; the same-cost figure prices each group by its soma_hw_name", len(a.Somas), soma.Name))
	}
	if len(a.Synapses) > 1 {
		notes = append(notes, fmt.Sprintf("%d synapse units: spikemesh's energy model prices every synaptic event as %s; the same-cost figure prices each edge by its group's synapse_hw_name", len(a.Synapses), syn.Name))
	}
	if err := e.Validate(); err != nil {
		return cfg, e, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, e, nil, fmt.Errorf("sanafe: architecture %s: %w", quote(a.Name), err)
	}
	return cfg, e, notes, nil
}

// findCostPtr returns the field of m that cost key names.
func findCostPtr(m *energy.Model, key string) (*float64, bool) {
	switch key {
	case "synaptic_op":
		return &m.SynapticOpPJ, true
	case "synaptic_op_conv":
		return &m.SynapticOpConvPJ, true
	case "synaptic_op_sparse":
		return &m.SynapticOpSparsePJ, true
	case "syn_mem_read_bit":
		return &m.SynMemReadBitPJ, true
	case "neuron_idle":
		return &m.NeuronIdlePJ, true
	case "neuron_update":
		return &m.NeuronUpdatePJ, true
	case "spike":
		return &m.SpikePJ, true
	case "packet":
		return &m.PacketPJ, true
	case "host_packet":
		return &m.HostPacketPJ, true
	case "hop_x":
		return &m.HopXPJ, true
	case "hop_y":
		return &m.HopYPJ, true
	case "barrier":
		return &m.BarrierPJ, true
	case "static_per_core":
		return &m.StaticPerCoreMW, true
	case "static_per_chip":
		return &m.StaticPerChipMW, true
	}
	return nil, false
}

// soma returns the leaky_integrate_fire soma unit named name, or the
// first one for "".
func (a *Arch) soma(name string) (Unit, bool) {
	for _, u := range a.Somas {
		if u.Model == UnitLIF && (name == "" || u.Name == name) {
			return u, true
		}
	}
	return Unit{}, false
}

// Costs returns SANA-FE's per-event costs for network n on a: each
// group's soma costs are those of its soma_hw_name unit, each edge's
// synaptic energy and time those of its target group's synapse_hw_name
// unit; a group that names none gets the core's first unit of the kind,
// SANA-FE's default. A soma unit that is not leaky_integrate_fire is an
// error.
func (a *Arch) Costs(file string, n *Network) (*Costs, error) {
	c := &Costs{HopXPJ: (a.HopPJ[1] + a.HopPJ[3]) / 2, HopYPJ: (a.HopPJ[0] + a.HopPJ[2]) / 2}
	for gi, g := range n.Groups {
		u, ok := Unit{}, false
		if n.IsInput(gi) {
			// Input neurons: the named soma unit, or the first of model
			// input (SANA-FE's files name it in the mappings, which
			// spikemesh does not read for units).
			i := slices.IndexFunc(a.Somas, func(u Unit) bool {
				return g.Attr.Has(FSomaHW) && u.Name == g.Attr.SomaHW || !g.Attr.Has(FSomaHW) && u.Model == UnitInput
			})
			if i < 0 {
				return nil, fmt.Errorf("sanafe: %s: group %s: input neurons need a soma unit of model input; architecture %s has none of that name", loc(file, g.Line), quote(g.Name), quote(a.Name))
			}
			u = a.Somas[i]
			c.Soma = append(c.Soma, SomaCosts{AccessPJ: u.Energy["energy_access_neuron"], UpdatePJ: u.Energy["energy_update_neuron"], SpikePJ: u.Energy["energy_spike_out"]})
			continue
		}
		if g.Attr.Has(FSomaHW) {
			i := slices.IndexFunc(a.Somas, func(u Unit) bool { return u.Name == g.Attr.SomaHW })
			if i >= 0 {
				u, ok = a.Somas[i], true
			}
		} else if len(a.Somas) > 0 {
			u, ok = a.Somas[0], true
		}
		if !ok || u.Model != UnitLIF {
			return nil, fmt.Errorf("sanafe: %s: group %s: soma_hw_name %s: architecture %s has no leaky_integrate_fire soma unit of that name (the first soma unit when none is named)",
				loc(file, g.Line), quote(g.Name), quote(g.Attr.SomaHW), quote(a.Name))
		}
		c.Soma = append(c.Soma, SomaCosts{AccessPJ: u.Energy["energy_access_neuron"], UpdatePJ: u.Energy["energy_update_neuron"], SpikePJ: u.Energy["energy_spike_out"]})
	}
	if len(a.AxonOut) > 0 {
		c.MessagePJ += a.AxonOut[0].Energy["energy_message_out"]
	}
	if len(a.AxonIn) > 0 {
		c.MessagePJ += a.AxonIn[0].Energy["energy_message_in"]
	}
	groups := map[string]*Group{}
	for i := range n.Groups {
		groups[n.Groups[i].Name] = &n.Groups[i]
	}
	for _, e := range n.Edges {
		g := groups[e.To]
		u, ok := a.Synapse(g.Attr.SynapseHW)
		if !ok {
			return nil, fmt.Errorf("sanafe: %s: group %s: synapse_hw_name %s: architecture %s has no such synapse unit", loc(file, g.Line), quote(g.Name), quote(g.Attr.SynapseHW), quote(a.Name))
		}
		c.EdgeSynPJ = append(c.EdgeSynPJ, u.Energy["energy_process_spike"])
		c.EdgeSynNS = append(c.EdgeSynNS, u.Lat["latency_process_spike"])
	}
	return c, nil
}

// SynapseCycles is the synaptic event time for a network whose edges'
// synapse units take c.EdgeSynNS each: the mean over the edges weighted
// by their connections (conns, Lowered.Connections), in cycles of
// ArchClockMHz. The chip charges one time per synaptic event; SANA-FE
// charges each edge's unit its own, and the weighted mean keeps the total
// over a run where every synapse is used equally.
func (c *Costs) SynapseCycles(conns []int64) int {
	var sum, n float64
	for i, ns := range c.EdgeSynNS {
		sum += ns * float64(conns[i])
		n += float64(conns[i])
	}
	if n == 0 {
		return 0
	}
	return int(math.Round(sum / n * ArchClockMHz / 1000))
}

// Unlimited returns cfg with the per-core limits SANA-FE does not model
// (synaptic memory, input axons, fan-out entries) set to the largest a
// chip configuration accepts. The chip's neuron models are kept: see
// CheckModels.
func Unlimited(cfg chip.Config) chip.Config {
	cfg.SynapseMemoryBytes, cfg.AxonsPerCore, cfg.FanoutPerCore = 1<<30, 1<<24, 1<<30
	return cfg
}

// CheckModels refuses, in one line, a chip whose cores lack the model
// every population of a lowered SANA-FE network runs (neuron.SanaLIF):
// the test chip.Map applies population by population
// (chip.ModelSet.Has), made once for the whole network.
func CheckModels(cfg chip.Config) error {
	if cfg.NeuronModels.Has(neuron.SanaLIF) {
		return nil
	}
	return fmt.Errorf("chip %s implements %s (neuron_models), not %s, the model every group of a SANA-FE network runs: choose a chip that has it (loihi, tiny) or add it with --set neuron_models=...,%s",
		cfg.Name, cfg.NeuronModels, neuron.SanaLIF, neuron.SanaLIF)
}
