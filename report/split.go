package report

import (
	"fmt"
	"strings"
)

// SplitReport is what fan-in splitting did in a run (docs/mapping.md,
// "Fan-in splitting"): the populations the mapper split and what the
// partial sums cost per inference. Absent when nothing is split.
type SplitReport struct {
	Layers        []SplitLayer `json:"layers"`
	SplitterCores int          `json:"splitter_cores"` // cores that only compute partial sums
	// Per inference: partial sums sent, their packets (not counted in
	// spike_packets_per_inference, but priced with the energy's packets)
	// and hops.
	PartialSums    float64 `json:"partial_sums_per_inference"`
	PartialPackets float64 `json:"partial_packets_per_inference"`
	PartialHops    float64 `json:"partial_packet_hops_per_inference"`
	// EnergyUJ prices the home cores' adds (one synaptic op each), the
	// packets and their hops; SplitterCoresUJ is everything the splitter
	// cores did, their synaptic work and leakage included.
	EnergyUJ        float64 `json:"energy_uj"`
	SplitterCoresUJ float64 `json:"splitter_cores_uj"`
	// WaitCyclesMean is the longest wait of a home core for its partial
	// sums past its own synaptic work, per timestep; LatencyUS the sum of
	// those waits over an inference.
	WaitCyclesMean float64 `json:"wait_cycles_per_timestep_mean"`
	LatencyUS      float64 `json:"latency_per_inference_us"`
}

// SplitLayer is one split population.
type SplitLayer struct {
	Name          string `json:"name"`
	Neurons       int    `json:"neurons"`
	Parts         int    `json:"parts"`  // cores per neuron group
	Groups        int    `json:"groups"` // home cores
	SplitterCores int    `json:"splitter_cores"`
}

// writeSplit prints the fan-in splitting section of a run.
func writeSplit(b *strings.Builder, r *SplitReport) {
	var parts []string
	for _, l := range r.Layers {
		parts = append(parts, fmt.Sprintf("%s %d neurons in %d parts (%d groups)", l.Name, l.Neurons, l.Parts, l.Groups))
	}
	fmt.Fprintf(b, "fan-in splitting  %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(b, "  splitter cores %d; per inference %.4g partial sums in %.4g packets (%.4g hops), %.4f µJ (%.4f µJ on the splitter cores)\n",
		r.SplitterCores, r.PartialSums, r.PartialPackets, r.PartialHops, r.EnergyUJ, r.SplitterCoresUJ)
	fmt.Fprintf(b, "  waiting for partial sums %.1f cycles per timestep, %.3f µs per inference\n\n", r.WaitCyclesMean, r.LatencyUS)
}
