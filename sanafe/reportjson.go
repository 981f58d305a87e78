package sanafe

import (
	"encoding/json"
	"io"

	"github.com/spikemesh/spikemesh/internal/provenance"
)

// jsonReport is the JSON form of a Report: the text report's figures,
// under names that say their unit, with the provenance of the run.
type jsonReport struct {
	Provenance  provenance.Provenance `json:"provenance"`
	Network     string                `json:"network"`
	Chip        string                `json:"chip"`
	Timesteps   int                   `json:"timesteps"`
	Neurons     int                   `json:"neurons"`
	Connections int64                 `json:"synapses"`
	Cores       int                   `json:"cores"`
	Pinned      bool                  `json:"placed_as_mapped"`
	Input       *jsonInput            `json:"input,omitempty"`
	Groups      []jsonGroup           `json:"groups"`
	Totals      jsonTotals            `json:"totals"`
	Energy      jsonEnergy            `json:"energy"`
	Time        jsonTime              `json:"simulated_time"`
	Samples     []jsonSample          `json:"samples,omitempty"`
	ChipNotes   []string              `json:"chip_notes"`
}

type jsonInput struct {
	File    string `json:"file"`
	Samples int    `json:"samples"`
	// Channels are the input neurons the file's channels drive, in order.
	Channels int `json:"channels"`
}

type jsonGroup struct {
	Name          string `json:"name"`
	Neurons       int    `json:"neurons"`
	Spikes        uint64 `json:"spikes"`
	SynEvents     uint64 `json:"synaptic_events"`
	ChipSynEvents uint64 `json:"chip_synaptic_events"`
	Updates       uint64 `json:"neuron_updates"`
	Messages      uint64 `json:"messages_sent"`
	Hops          uint64 `json:"hops"`
}

type jsonTotals struct {
	Spikes        uint64 `json:"neurons_fired"`
	SynEvents     uint64 `json:"synaptic_events"`
	ChipSynEvents uint64 `json:"chip_synaptic_events"`
	Updates       uint64 `json:"neuron_updates"`
	Messages      uint64 `json:"messages"`
	Hops          uint64 `json:"hops"`
	HopsX         uint64 `json:"hops_east_west"`
	HopsY         uint64 `json:"hops_north_south"`
}

type jsonEnergy struct {
	// Spikemesh is spikemesh's energy model on the chip's counts.
	SpikemeshJ            float64 `json:"spikemesh_j"`
	SpikemeshPerTimestepJ float64 `json:"spikemesh_per_timestep_j"`
	SpikemeshSynapticJ    float64 `json:"spikemesh_synaptic_j"`
	SpikemeshNeuronJ      float64 `json:"spikemesh_neuron_j"`
	SpikemeshSpikeJ       float64 `json:"spikemesh_spike_j"`
	SpikemeshMeshJ        float64 `json:"spikemesh_mesh_j"`
	SpikemeshStaticJ      float64 `json:"spikemesh_static_j"`
	// SameCosts is SANA-FE's per-event costs on SANA-FE's counts (only
	// with a SANA-FE architecture).
	SameCosts *jsonSameCosts `json:"sanafe_costs,omitempty"`
}

type jsonSameCosts struct {
	TotalJ       float64 `json:"total_j"`
	SynapseJ     float64 `json:"synapse_j"`
	SomaJ        float64 `json:"soma_j"`
	NetworkJ     float64 `json:"network_j"`
	PerTimestepJ float64 `json:"per_timestep_j"`
}

type jsonTime struct {
	Seconds            float64 `json:"seconds"`
	PerTimestepSeconds float64 `json:"per_timestep_seconds"`
	Cycles             uint64  `json:"cycles"`
	ComputeCycles      uint64  `json:"busiest_core_cycles"`
	DrainCycles        uint64  `json:"mesh_drain_cycles"`
	BarrierCycles      uint64  `json:"barrier_cycles"`
}

type jsonSample struct {
	Sample      int      `json:"sample"`
	Label       *int     `json:"label,omitempty"`
	Spikes      uint64   `json:"neurons_fired"`
	SynEvents   uint64   `json:"synaptic_events"`
	Updates     uint64   `json:"neuron_updates"`
	Messages    uint64   `json:"messages"`
	Hops        uint64   `json:"hops"`
	Seconds     float64  `json:"simulated_seconds"`
	EnergyJ     float64  `json:"spikemesh_energy_j"`
	GroupSpikes []uint64 `json:"group_spikes"`
}

// WriteJSON writes the report as one indented JSON object: the figures
// of WriteText (per group and totals, both energies, simulated time and
// its parts, the chip notes), the per-sample figures of a run driven by
// an input file, and the provenance.
func (r *Report) WriteJSON(w io.Writer) error {
	T := r.steps()
	sum := func(f func(LayerStats) uint64) uint64 { return r.total(f) }
	j := jsonReport{Provenance: r.Provenance, Network: r.Network, Chip: r.Chip, Timesteps: r.Timesteps, Neurons: r.Neurons,
		Connections: r.Connections, Cores: r.Cores, Pinned: r.Pinned, ChipNotes: r.Unsupported,
		Totals: jsonTotals{Spikes: r.TotalSpikes(),
			SynEvents:     sum(func(l LayerStats) uint64 { return l.SynEvents }),
			ChipSynEvents: sum(func(l LayerStats) uint64 { return l.ChipSynEvents }),
			Updates:       sum(func(l LayerStats) uint64 { return l.Updates }),
			Messages:      r.Counts.Packets + r.Counts.HostPackets, Hops: r.Counts.HopsX + r.Counts.HopsY,
			HopsX: r.Counts.HopsX, HopsY: r.Counts.HopsY},
		Energy: jsonEnergy{SpikemeshJ: r.Energy.TotalPJ * 1e-12, SpikemeshPerTimestepJ: r.Energy.TotalPJ * 1e-12 / T,
			SpikemeshSynapticJ: r.Energy.SynapticPJ * 1e-12, SpikemeshNeuronJ: r.Energy.NeuronPJ * 1e-12,
			SpikemeshSpikeJ: r.Energy.SpikePJ * 1e-12, SpikemeshMeshJ: r.Energy.MeshPJ * 1e-12, SpikemeshStaticJ: r.Energy.StaticPJ * 1e-12},
		Time: jsonTime{Seconds: r.SimSeconds, PerTimestepSeconds: r.SimSeconds / T, Cycles: r.Cycles,
			ComputeCycles: r.ComputeCycles, DrainCycles: r.DrainCycles, BarrierCycles: r.Cycles - min(r.Cycles, r.ComputeCycles+r.DrainCycles)},
	}
	if j.ChipNotes == nil {
		j.ChipNotes = []string{}
	}
	for _, l := range r.Layers {
		j.Groups = append(j.Groups, jsonGroup(l))
	}
	if r.Costs != nil {
		j.Energy.SameCosts = &jsonSameCosts{TotalJ: r.SameCostsPJ * 1e-12, SynapseJ: r.SameSynapsePJ * 1e-12,
			SomaJ: r.SameSomaPJ * 1e-12, NetworkJ: r.SameNetworkPJ * 1e-12, PerTimestepJ: r.SameCostsPJ * 1e-12 / T}
	}
	if r.Input != "" {
		j.Input = &jsonInput{File: r.Input, Samples: len(r.Samples), Channels: r.InputChannels}
	}
	for i, s := range r.Samples {
		js := jsonSample{Sample: i, Spikes: s.Spikes, SynEvents: s.SynEvents, Updates: s.Updates, Messages: s.Messages,
			Hops: s.Hops, Seconds: s.SimSeconds, EnergyJ: s.EnergyPJ * 1e-12, GroupSpikes: s.GroupSpikes}
		if s.Label >= 0 {
			js.Label = &s.Label
		}
		j.Samples = append(j.Samples, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}
