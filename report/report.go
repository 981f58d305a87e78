package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/provenance"
)

// Report is the result of one evaluation. Field names are stable and carry
// their units; every number is computed from the simulation.
// Accuracies are in percent, with _pct in their JSON names.
type Report struct {
	Provenance Provenance   `json:"provenance"`
	Workload   WorkloadInfo `json:"workload"`
	Chip       ChipInfo     `json:"chip"`
	Mapping    []LayerMap   `json:"mapping"`
	// ANNAccuracyPct is the float ANN's accuracy on the same samples, %.
	ANNAccuracyPct float64 `json:"ann_accuracy_pct"`
	// QuantizedANNAccuracyPct is the accuracy (%) of the quantized ANN that
	// QuantizedANN describes (exact: the integer network; rate: the float
	// ANN with the chip's weights).
	QuantizedANNAccuracyPct float64 `json:"quantized_ann_accuracy_pct"`
	QuantizedANN            string  `json:"quantized_ann"`
	Runs                    []Run   `json:"runs"` // one per requested timestep count
}

// Provenance records what produced a report, so that it can be reproduced
// and compared (the seed is in WorkloadInfo): Version, CommandLine,
// ChipConfig (the chip as used) and EnergyConfig (Plan.Energy as
// energy.Model.JSON writes it). Evaluate fills the configurations; the
// caller fills Version and CommandLine (spikemesh run does), which
// Evaluate cannot know. spikemesh bench and explore record the same type.
type Provenance = provenance.Provenance

// WorkloadInfo describes what ran.
type WorkloadInfo struct {
	Model        string   `json:"model"`
	Dataset      string   `json:"dataset"`
	Samples      int      `json:"samples"`
	Timesteps    []int    `json:"timesteps"`
	Encoder      string   `json:"encoder"`
	Conversion   string   `json:"conversion"`
	Method       string   `json:"conversion_method"`
	Notes        []string `json:"notes,omitempty"` // policy decisions (Plan.Notes)
	MaxPool      string   `json:"max_pooling_approximation,omitempty"`
	Architecture string   `json:"architecture"`
	Seed         uint64   `json:"seed"`
	ANNMACs      uint64   `json:"ann_macs_per_inference"`
	Layers       []string `json:"layers"`
}

// ChipInfo describes the chip and how full it is.
type ChipInfo struct {
	Preset             string     `json:"preset"`
	Mesh               string     `json:"mesh"`  // routers per chip
	Chips              int        `json:"chips"` // chips on the board
	CoresPerRouter     int        `json:"cores_per_router"`
	CoresUsed          int        `json:"cores_used"`
	CoresAvailable     int        `json:"cores_available"`
	RoutersUsed        int        `json:"routers_used"`
	ClockMHz           float64    `json:"clock_mhz"`
	WeightBits         int        `json:"weight_bits"`
	NeuronsPerCore     chip.Usage `json:"neurons_per_core"`
	SynMemBytesPerCore chip.Usage `json:"synapse_memory_bytes_per_core"`
	NeuronsCapacity    int        `json:"neurons_per_core_capacity"`
	SynMemCapacity     int        `json:"synapse_memory_bytes_per_core_capacity"`
	Placement          string     `json:"placement"`
	// For traffic-aware placements: packet-hops per inference of the traffic
	// profiled on calibration images, under row-major and the chosen placement.
	ProfiledHopsRowMajor float64 `json:"profiled_packet_hops_row_major,omitempty"`
	ProfiledHopsPlaced   float64 `json:"profiled_packet_hops_placed,omitempty"`
}

// LayerMap is how one layer was converted and placed.
type LayerMap struct {
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Levels     int     `json:"levels,omitempty"`
	WeightStep float64 `json:"weight_step"`
	MaxWeight  int8    `json:"max_weight"`
	Clipped    int     `json:"clipped_weights,omitempty"` // exact: weights clipped to the range (threshold raised to 2)
	Note       string  `json:"note,omitempty"`
	Neurons    int     `json:"neurons"`
	FanIn      int     `json:"fan_in"`
	Cores      int     `json:"cores"`
	Threshold  int32   `json:"threshold"`
	Lambda     float64 `json:"lambda"`
}

// Run is the result for one timestep count, averaged per inference.
type Run struct {
	Timesteps      int         `json:"timesteps"`
	SNNAccuracyPct float64     `json:"snn_accuracy_pct"`
	Layers         []LayerStat `json:"layers"`
	// ActivationSparsity is the fraction of neuron-timesteps without a spike
	// over all layers (NeuroBench "activation sparsity").
	ActivationSparsity float64 `json:"activation_sparsity"`
	// SynapticOps are NeuroBench effective ACs: binary spikes times non-zero
	// weights; EffectiveMACs are graded (direct) inputs times non-zero weights.
	SynapticOps   float64 `json:"synaptic_ops_per_inference"`
	EffectiveMACs float64 `json:"effective_macs_per_inference"`
	NeuronUpdates float64 `json:"neuron_updates_per_inference"`
	NeuronIdle    float64 `json:"neuron_idle_updates_per_inference"`
	SpikePackets  float64 `json:"spike_packets_per_inference"`
	HostPackets   float64 `json:"host_packets_per_inference"`
	PacketHops    float64 `json:"packet_hops_per_inference"` // on-chip hops; off-chip ones are counted apart
	// OffChipHops are hops over chip-to-chip links on a board of several
	// chips (board_chips_x/y); omitted on a single chip, where there are none.
	OffChipHops      float64 `json:"off_chip_hops_per_inference,omitempty"`
	PacketLatencyAvg float64 `json:"packet_latency_mean_cycles"`
	PacketLatencyMax uint64  `json:"packet_latency_max_cycles"`
	PacketLatencyP50 uint64  `json:"packet_latency_p50_cycles"`
	PacketLatencyP99 uint64  `json:"packet_latency_p99_cycles"`
	// BackPressureStalls are packet-cycles lost waiting for buffer credits.
	BackPressureStalls  float64    `json:"back_pressure_stalls_per_inference"`
	LinkUtilizationMean float64    `json:"link_utilization_mean"` // flits / (link width x cycles), over all mesh links
	LinkUtilizationMax  float64    `json:"link_utilization_max"`  // the busiest link
	Timing              Timing     `json:"timing"`
	Energy              Energy     `json:"energy"`
	NeuroBench          NeuroBench `json:"neurobench"`
	// Exact is set in exact conversion: every neuron's count against the
	// quantized ANN, and the timesteps each sample took to go quiet.
	Exact *ExactReport `json:"exact,omitempty"`
	// Split is set when the mapper split some population's fan-in.
	Split *SplitReport `json:"fan_in_split,omitempty"`
}

// LayerStat is per-layer activity per inference.
type LayerStat struct {
	Name               string  `json:"name"`
	Neurons            int     `json:"neurons"`
	SpikesPerSample    float64 `json:"spikes_per_inference"`
	FiringRate         float64 `json:"firing_rate_per_timestep"`
	ActivationSparsity float64 `json:"activation_sparsity"`
	SynapticOps        float64 `json:"synaptic_ops_per_inference"`
}

// Timing is the cycle-level timing of the chip.
type Timing struct {
	CyclesPerTimestepMean float64 `json:"cycles_per_timestep_mean"`
	CyclesPerTimestepMax  uint64  `json:"cycles_per_timestep_max"`
	// ComputeCyclesMean is the slowest core's busy time, MeshCyclesMean the
	// last mesh delivery, DrainCyclesMean how long the mesh kept running
	// after the slowest core finished. A timestep lasts compute + drain +
	// barrier.
	ComputeCyclesMean float64 `json:"compute_cycles_per_timestep_mean"`
	MeshCyclesMean    float64 `json:"mesh_last_delivery_cycle_mean"`
	DrainCyclesMean   float64 `json:"mesh_drain_cycles_per_timestep_mean"`
	BarrierCycles     uint64  `json:"barrier_cycles_per_timestep"`
	MeshLastFraction  float64 `json:"mesh_finished_last_fraction"` // timesteps in which the mesh finished after the slowest core
	Bound             string  `json:"bound"`                       // "compute" or "mesh": the larger of compute and drain cycles
	LatencyUS         float64 `json:"latency_per_inference_us"`
}

// EnergyParts is energy per inference in µJ by component group; the groups
// add up to TotalUJ.
type EnergyParts struct {
	TotalUJ    float64 `json:"energy_per_inference_uj"`
	SynapticUJ float64 `json:"synaptic_uj"` // synaptic events (accumulates, MACs) and synaptic memory reads
	NeuronUJ   float64 `json:"neuron_uj"`   // neuron updates, active and idle
	SpikeUJ    float64 `json:"spike_uj"`    // spike generation
	MeshUJ     float64 `json:"mesh_uj"`     // packet injection, host input, hops, barriers
	StaticUJ   float64 `json:"static_uj"`   // leakage over the simulated time
}

// Energy is energy per inference in µJ, with the paper-style figures.
type Energy struct {
	Model string `json:"model"`
	EnergyParts
	Components          []EnergyComponent `json:"components"`
	Layers              []LayerEnergy     `json:"layers"`
	Chip                EnergyParts       `json:"chip_wide"` // host input, barriers and per-chip leakage
	Cores               []CoreEnergy      `json:"cores"`
	PowerMW             float64           `json:"average_power_mw"`
	InferencesPerSecond float64           `json:"inferences_per_second"`
	EDPUJUS             float64           `json:"energy_delay_product_uj_us"`
	ANNSameTechUJ       float64           `json:"ann_same_technology_uj"` // E_MAC x MACs + weight reads, same energy model
	SNNToANNRatio       float64           `json:"snn_to_ann_energy_ratio"`
	ANNPaperUJ          float64           `json:"ann_paper_energy_uj"` // E_MAC x ANN MACs
	SNNPaperUJ          float64           `json:"snn_paper_energy_uj"` // E_AC x synaptic ops (+ E_MAC x effective MACs)
	PaperEMACPJ         float64           `json:"paper_e_mac_pj"`
	PaperEACPJ          float64           `json:"paper_e_ac_pj"`
}

// EnergyComponent is one fine-grained part of the breakdown.
type EnergyComponent struct {
	Group string  `json:"group"`
	Name  string  `json:"name"`
	UJ    float64 `json:"uj"`
}

// LayerEnergy is the energy of a layer's cores per inference.
type LayerEnergy struct {
	Name  string `json:"name"`
	Cores int    `json:"cores"`
	EnergyParts
}

// CoreEnergy is one core's energy per inference, by component group: its
// own events and its leakage (the chip-wide part is Energy.Chip).
type CoreEnergy struct {
	Core  int    `json:"core"`
	Layer string `json:"layer"`
	X     int    `json:"x"`
	Y     int    `json:"y"`
	EnergyParts
}

// NeuroBench holds the NeuroBench metrics under their names, per inference.
type NeuroBench struct {
	ActivationSparsity float64 `json:"activation_sparsity"`
	SynapticOperations SynOps  `json:"synaptic_operations"`
	FootprintBytes     int64   `json:"footprint_bytes"`
	// ConnectionSparsity is the fraction of zero weights (as NeuroBench's
	// code computes it), after quantization.
	ConnectionSparsity float64 `json:"connection_sparsity"`
	MembraneUpdates    float64 `json:"membrane_updates"`
}

// SynOps are NeuroBench's three synaptic-operation counts per inference.
type SynOps struct {
	Dense         float64 `json:"dense"`
	EffectiveMACs float64 `json:"effective_macs"`
	EffectiveACs  float64 `json:"effective_acs"`
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	wl, c := r.Workload, r.Chip
	fmt.Fprintf(&b, "spikemesh report\n\n")
	fmt.Fprintf(&b, "workload  model %s, dataset %s, %d samples, timesteps %s, encoder %s, seed %d\n",
		wl.Model, wl.Dataset, wl.Samples, joinInts(wl.Timesteps), wl.Encoder, wl.Seed)
	fmt.Fprintf(&b, "          %s\n", wl.Architecture)
	fmt.Fprintf(&b, "          conversion %s\n", wl.Conversion)
	for _, n := range wl.Notes {
		fmt.Fprintf(&b, "          note: %s\n", n)
	}
	if wl.MaxPool != "" {
		fmt.Fprintf(&b, "          max pooling: %s\n", wl.MaxPool)
	}
	board := ""
	if c.Chips > 1 {
		board = fmt.Sprintf(" x %d chips", c.Chips)
	}
	fmt.Fprintf(&b, "chip      preset %s, mesh %s routers x %d cores%s, %d of %d cores used (%d routers), %d-bit weights, clock %g MHz\n",
		c.Preset, c.Mesh, c.CoresPerRouter, board, c.CoresUsed, c.CoresAvailable, c.RoutersUsed, c.WeightBits, c.ClockMHz)
	fmt.Fprintf(&b, "          neurons per core      min %d  mean %.1f  max %d  (capacity %d)\n",
		c.NeuronsPerCore.Min, c.NeuronsPerCore.Mean, c.NeuronsPerCore.Max, c.NeuronsCapacity)
	fmt.Fprintf(&b, "          synaptic memory/core  min %d B  mean %.0f B  max %d B  (capacity %d B)\n",
		c.SynMemBytesPerCore.Min, c.SynMemBytesPerCore.Mean, c.SynMemBytesPerCore.Max, c.SynMemCapacity)
	fmt.Fprintf(&b, "          placement %s", c.Placement)
	if c.Placement != "row-major" {
		fmt.Fprintf(&b, " (profiled packet-hops per inference: row-major %.1f -> %.1f)", c.ProfiledHopsRowMajor, c.ProfiledHopsPlaced)
	}
	fmt.Fprintf(&b, "\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "layer\tkind\tneurons\tfan-in\tcores\tthreshold\tlambda\tlevels\tmax |w|\n")
	for _, l := range r.Mapping {
		lv := "-"
		if l.Levels > 0 {
			lv = fmt.Sprint(l.Levels)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%.4g\t%s\t%d\n", l.Name, l.Kind, l.Neurons, l.FanIn, l.Cores, l.Threshold, l.Lambda, lv, l.MaxWeight)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\nANN accuracy %.2f %%  (float model, same %d samples)\n", r.ANNAccuracyPct, wl.Samples)
	if r.QuantizedANN != "" {
		fmt.Fprintf(&b, "quantized ANN accuracy %.2f %%  (%s)\n", r.QuantizedANNAccuracyPct, r.QuantizedANN)
	}
	for _, run := range r.Runs {
		writeRun(&b, &run, r.Chip.Chips)
	}
	if len(r.Runs) > 1 {
		fmt.Fprintf(&b, "\naccuracy and energy vs timesteps\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "timesteps\tSNN acc %%\tANN acc %%\tenergy µJ\tlatency µs\tsynaptic ops\n")
		for _, run := range r.Runs {
			fmt.Fprintf(tw, "%d\t%.2f\t%.2f\t%.4g\t%.4g\t%.4g\n", run.Timesteps, run.SNNAccuracyPct, r.ANNAccuracyPct,
				run.Energy.TotalUJ, run.Timing.LatencyUS, run.SynapticOps)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeRun(b *strings.Builder, run *Run, chips int) {
	if run.Exact != nil {
		fmt.Fprintf(b, "\n== until quiet (limit %d timesteps) ==\n", run.Timesteps)
	} else {
		fmt.Fprintf(b, "\n== %d timesteps ==\n", run.Timesteps)
	}
	fmt.Fprintf(b, "SNN accuracy %.2f %%\n", run.SNNAccuracyPct)
	if x := run.Exact; x != nil {
		fmt.Fprintf(b, "exact conversion: %d of %d images with every neuron's spike count equal to the quantized ANN (%d mismatching neurons), %d quiet;\n",
			x.ImagesExact, x.Images, x.NeuronMismatches, x.ImagesQuiet)
		fmt.Fprintf(b, "  timesteps to quiescence mean %.1f, max %d (limit %d)\n", x.TimestepsMean, x.TimestepsMax, run.Timesteps)
		if x.FirstMismatch != "" {
			fmt.Fprintf(b, "  first mismatch: %s\n", x.FirstMismatch)
		}
	}
	fmt.Fprintln(b)
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "layer\tneurons\tspikes/inf\tfiring rate\tsparsity\tsynaptic ops/inf\n")
	for _, l := range run.Layers {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.4f\t%.4f\t%.4g\n", l.Name, l.Neurons, l.SpikesPerSample, l.FiringRate, l.ActivationSparsity, l.SynapticOps)
	}
	tw.Flush()
	fmt.Fprintf(b, "all layers: activation sparsity %.4f\n\n", run.ActivationSparsity)
	fmt.Fprintf(b, "events per inference\n")
	fmt.Fprintf(b, "  synaptic ops (effective ACs)  %.4g\n", run.SynapticOps)
	if run.EffectiveMACs > 0 {
		fmt.Fprintf(b, "  effective MACs (graded input) %.4g\n", run.EffectiveMACs)
	}
	fmt.Fprintf(b, "  neuron updates                %.4g active, %.4g idle\n", run.NeuronUpdates, run.NeuronIdle)
	fmt.Fprintf(b, "  spike packets                 %.4g (+ %.4g host input packets)\n", run.SpikePackets, run.HostPackets)
	fmt.Fprintf(b, "  packet hops                   %.4g\n", run.PacketHops)
	if chips > 1 {
		fmt.Fprintf(b, "  off-chip hops                 %.4g  (chip-to-chip links of the %d-chip board, not in packet hops)\n", run.OffChipHops, chips)
	}
	fmt.Fprintf(b, "  packet latency (cycles)       mean %.1f, p50 %d, p99 %d, max %d; back-pressure stalls %.4g\n",
		run.PacketLatencyAvg, run.PacketLatencyP50, run.PacketLatencyP99, run.PacketLatencyMax, run.BackPressureStalls)
	fmt.Fprintf(b, "  mesh link utilization         mean %.2e, busiest link %.2e\n\n", run.LinkUtilizationMean, run.LinkUtilizationMax)
	if run.Split != nil {
		writeSplit(b, run.Split)
	}
	t := run.Timing
	fmt.Fprintf(b, "timing\n")
	fmt.Fprintf(b, "  cycles per timestep  mean %.1f  max %d\n", t.CyclesPerTimestepMean, t.CyclesPerTimestepMax)
	fmt.Fprintf(b, "    = slowest core %.1f + mesh drain %.1f + barrier %d  (last delivery at %.1f; mesh finished last in %.1f %% of timesteps)\n",
		t.ComputeCyclesMean, t.DrainCyclesMean, t.BarrierCycles, t.MeshCyclesMean, 100*t.MeshLastFraction)
	fmt.Fprintf(b, "  bound by             %s\n", t.Bound)
	fmt.Fprintf(b, "  latency/inference    %.3f µs\n\n", t.LatencyUS)
	e := run.Energy
	fmt.Fprintf(b, "energy per inference (%s)   %.4f µJ   (average power %.2f mW)\n", e.Model, e.TotalUJ, e.PowerMW)
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	for _, p := range []struct {
		name string
		v    float64
	}{{"synaptic ops", e.SynapticUJ}, {"neuron updates", e.NeuronUJ}, {"spike generation", e.SpikeUJ}, {"mesh (packets, hops, barriers)", e.MeshUJ}, {"static", e.StaticUJ}} {
		share := 0.0
		if e.TotalUJ > 0 {
			share = 100 * p.v / e.TotalUJ
		}
		fmt.Fprintf(tw, "  %s\t%.4f µJ\t%5.1f %%\n", p.name, p.v, share)
	}
	tw.Flush()
	fmt.Fprintf(b, "  %.1f inferences/s, energy-delay product %.4g µJ·µs\n", e.InferencesPerSecond, e.EDPUJUS)
	tw = tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  by layer\tcores\ttotal µJ\tsynaptic\tneuron\tspike\tmesh\tstatic\n")
	for _, l := range e.Layers {
		fmt.Fprintf(tw, "  %s\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", l.Name, l.Cores, l.TotalUJ, l.SynapticUJ, l.NeuronUJ, l.SpikeUJ, l.MeshUJ, l.StaticUJ)
	}
	fmt.Fprintf(tw, "  chip-wide\t\t%.4f\t\t\t\t%.4f\t%.4f\n", e.Chip.TotalUJ, e.Chip.MeshUJ, e.Chip.StaticUJ)
	tw.Flush()
	fmt.Fprintf(b, "same ANN on this technology (E_MAC x MACs + weight reads)  %.4f µJ   SNN/ANN %.2f\n", e.ANNSameTechUJ, e.SNNToANNRatio)
	fmt.Fprintf(b, "paper-style estimates (E_MAC %.1f pJ, E_AC %.1f pJ)\n", e.PaperEMACPJ, e.PaperEACPJ)
	fmt.Fprintf(b, "  ANN: E_MAC x MACs            %.4f µJ\n", e.ANNPaperUJ)
	fmt.Fprintf(b, "  SNN: E_AC x synaptic ops     %.4f µJ\n", e.SNNPaperUJ)
	nb := run.NeuroBench
	fmt.Fprintf(b, "\nNeuroBench  activation sparsity %.4f, synaptic ops dense %.4g / effective MACs %.4g / effective ACs %.4g,\n",
		nb.ActivationSparsity, nb.SynapticOperations.Dense, nb.SynapticOperations.EffectiveMACs, nb.SynapticOperations.EffectiveACs)
	fmt.Fprintf(b, "            footprint %d B, connection sparsity %.4f (fraction of zero weights), membrane updates %.4g\n",
		nb.FootprintBytes, nb.ConnectionSparsity, nb.MembraneUpdates)
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// ExactReport checks exact conversion image by image.
type ExactReport struct {
	Images           int     `json:"images"`
	ImagesExact      int     `json:"images_every_neuron_exact"`
	ImagesQuiet      int     `json:"images_quiet"`
	NeuronMismatches int     `json:"neuron_mismatches"`
	TimestepsMean    float64 `json:"timesteps_to_quiet_mean"`
	TimestepsMax     int     `json:"timesteps_to_quiet_max"`
	FirstMismatch    string  `json:"first_mismatch,omitempty"`
	stepsSum         int     // timesteps to quiescence, summed over the images
}

// WriteCoreEnergy writes, for each run, one line per used core: where it
// sits, its layer and its energy per inference by component group (the
// same numbers as the JSON report's energy.cores).
func (r *Report) WriteCoreEnergy(w io.Writer) error {
	var b strings.Builder
	for _, run := range r.Runs {
		fmt.Fprintf(&b, "\nenergy per core and inference, µJ (%d timesteps)\n", run.Timesteps)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  core\tx,y\tlayer\ttotal\tsynaptic\tneuron\tspike\tmesh\tstatic\n")
		for _, c := range run.Energy.Cores {
			fmt.Fprintf(tw, "  %d\t%d,%d\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", c.Core, c.X, c.Y, c.Layer,
				c.TotalUJ, c.SynapticUJ, c.NeuronUJ, c.SpikeUJ, c.MeshUJ, c.StaticUJ)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
