package graphrun

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
)

// FanInSplit is what fan-in splitting did (docs/mapping.md, "Fan-in
// splitting"); absent from the report when nothing is split.
type FanInSplit struct {
	Populations   []SplitPop `json:"populations"`
	SplitterCores int        `json:"splitter_cores"` // cores that only compute partial sums
	// Per sample: partial sums, their packets (also in
	// spike_packets_per_sample and the energy) and hops; EnergyUJ prices
	// the home cores' adds, the packets and the hops; LatencyUS sums the
	// home cores' longest wait for partial sums over the timesteps.
	PartialSums    float64 `json:"partial_sums_per_sample"`
	PartialPackets float64 `json:"partial_packets_per_sample"`
	PartialHops    float64 `json:"partial_packet_hops_per_sample"`
	EnergyUJ       float64 `json:"energy_uj_per_sample"`
	LatencyUS      float64 `json:"latency_us_per_sample"`
}

// SplitPop is one split population.
type SplitPop struct {
	Name    string `json:"name"`
	Neurons int    `json:"neurons"`
	Parts   int    `json:"parts"` // cores per neuron group
	Groups  int    `json:"groups"`
}

// fanInSplit builds the section from the mapping and the summed counts of
// n samples; nil when nothing is split. e is the energy model in use.
func fanInSplit(m *chip.Mapping, s chip.SplitCounts, n int, e energy.Model, clockMHz float64) *FanInSplit {
	splits := m.Splits()
	if len(splits) == 0 {
		return nil
	}
	nf := float64(n)
	f := &FanInSplit{PartialSums: float64(s.PartialSums) / nf, PartialPackets: float64(s.PartialPackets) / nf,
		PartialHops: float64(s.HopsX+s.HopsY+s.OffChipHops) / nf, LatencyUS: float64(s.WaitCycles) / nf / clockMHz}
	for _, ls := range splits {
		f.Populations = append(f.Populations, SplitPop{Name: m.Net.Layers[ls.Layer].Name, Neurons: ls.Neurons, Parts: ls.Parts, Groups: ls.Groups})
		f.SplitterCores += ls.SplitterCores
	}
	dyn := e
	dyn.StaticPerChipMW, dyn.StaticPerCoreMW = 0, 0
	c := energy.Counts{SynapticOps: s.PartialSums, Packets: s.PartialPackets, HopsX: s.HopsX, HopsY: s.HopsY, OffChipHops: s.OffChipHops}
	f.EnergyUJ = dyn.Estimate(c, 0, 0).TotalPJ / nf * 1e-6
	return f
}

// writeText prints the section.
func (f *FanInSplit) writeText(b *strings.Builder) {
	var parts []string
	for _, p := range f.Populations {
		parts = append(parts, fmt.Sprintf("%s %d neurons in %d parts (%d groups)", p.Name, p.Neurons, p.Parts, p.Groups))
	}
	fmt.Fprintf(b, "fan-in    %s; %d splitter cores\n", strings.Join(parts, ", "), f.SplitterCores)
	fmt.Fprintf(b, "          per sample %.4g partial sums in %.4g packets (%.4g hops), %.4g µJ, %.4g µs waiting for them\n",
		f.PartialSums, f.PartialPackets, f.PartialHops, f.EnergyUJ, f.LatencyUS)
}
