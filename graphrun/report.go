package graphrun

import (
	"github.com/spikemesh/spikemesh/internal/provenance"

	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nirconv"
)

// Provenance records what produced a report, as every JSON report of a
// run does (internal/provenance): Run fills the configurations, the caller
// Version and CommandLine.
type Provenance = provenance.Provenance

// PopStat is one population's activity, per sample (mean over samples).
type PopStat struct {
	Name        string  `json:"name"`     // the NIR node
	Type        string  `json:"nir_type"` // LIF, CubaLIF, ...
	Neurons     int     `json:"neurons"`
	Cores       int     `json:"cores"`
	Fires       bool    `json:"fires"` // false: a readout (LI, CubaLI, I)
	ChipSpikes  float64 `json:"chip_spikes"`
	FloatSpikes float64 `json:"float_spikes"`
	// DriftPct is (chip − float)/float in percent; 0 when both are 0;
	// nil (JSON null, "n/a" in text) when only the chip fires, where no
	// relative difference exists.
	DriftPct *float64 `json:"drift_pct"`
	// Spikes per neuron per input timestep (sparsity), chip and float.
	ChipRate  float64 `json:"chip_spikes_per_neuron_step"`
	FloatRate float64 `json:"float_spikes_per_neuron_step"`
	chip      uint64
	float     uint64
}

// EnergyPart is one component of the energy per sample.
type EnergyPart struct {
	Group string  `json:"group"`
	Name  string  `json:"name"`
	UJ    float64 `json:"uj"`
}

// Report is the result of Run. Every number is computed from the runs;
// per-sample figures are means over the samples.
type Report struct {
	Provenance    Provenance `json:"provenance"`
	Model         string     `json:"model"`
	Input         string     `json:"input"`
	Encoding      string     `json:"encoding"`
	Samples       int        `json:"samples"`
	Timesteps     int        `json:"timesteps"`      // input frames per sample (float steps)
	ChipTimesteps int        `json:"chip_timesteps"` // Timesteps + the outputs' latency
	DTSeconds     float64    `json:"dt_s"`
	Chip          string     `json:"chip"`
	CoresUsed     int        `json:"cores_used"`
	WeightBits    int        `json:"weight_bits"`
	Projections   int        `json:"projections"`
	Synapses      int64      `json:"synapses"`
	Populations   []PopStat  `json:"populations"`
	// OutputAgreementPct: samples whose predicted class is the same on the
	// chip and in float, %.
	OutputAgreementPct float64 `json:"output_agreement_pct"`
	// Accuracies (only with labels), %.
	ChipAccuracyPct  *float64 `json:"chip_accuracy_pct,omitempty"`
	FloatAccuracyPct *float64 `json:"float_accuracy_pct,omitempty"`
	// Sparsity of all firing populations together: spikes per neuron per
	// input timestep (Timesteps, for the chip as for float).
	ChipSpikesPerNeuronStep  float64 `json:"chip_spikes_per_neuron_step"`
	FloatSpikesPerNeuronStep float64 `json:"float_spikes_per_neuron_step"`

	EnergyUJ          float64      `json:"energy_uj_per_sample"`
	EnergyParts       []EnergyPart `json:"energy_components"`
	LatencyUS         float64      `json:"latency_us_per_sample"`
	CyclesPerTimestep float64      `json:"cycles_per_timestep"`
	SynapticOps       float64      `json:"synaptic_ops_per_sample"`
	SpikePackets      float64      `json:"spike_packets_per_sample"`
	FanInSplit        *FanInSplit  `json:"fan_in_split,omitempty"`
	// Streaming: latency per input timestep and real-time factor, for
	// sequences (Timesteps > 1) only.
	Streaming *Streaming `json:"streaming,omitempty"`
	// Regression: per-step prediction scores (Options.Regression).
	Regression *RegressionReport `json:"regression,omitempty"`

	labels              []int
	chipPred, floatPred []int
	synMemBytes         int64
}

// SynapticMemoryUsedBytes is the synaptic memory the mapping fills, summed
// over its cores (each core's bits rounded up to whole bytes).
func (r *Report) SynapticMemoryUsedBytes() int64 { return r.synMemBytes }

func newReport(o *Options, lw *nirconv.Lowered, m *chip.Mapping, n, T int) *Report {
	r := &Report{Model: o.Model, Input: o.Input.Name, Encoding: o.Input.Encoding.String(), Samples: n, Timesteps: T,
		ChipTimesteps: T + lw.OutputLatency(), DTSeconds: lw.DT, Chip: o.ChipName, CoresUsed: len(m.Cores),
		WeightBits: o.Chip.WeightBits, Projections: len(lw.Net.Projections), Synapses: lw.Synapses(),
		chipPred: make([]int, n), floatPred: make([]int, n)}
	r.Provenance.ChipConfig = o.Chip
	for _, c := range m.Cores {
		r.synMemBytes += (c.SynMemBits + 7) / 8
	}
	if o.Input.Labels != nil {
		r.labels = o.Input.Labels[:n]
	}
	for l, ly := range lw.Net.Layers {
		r.Populations = append(r.Populations, PopStat{Name: ly.Name, Type: lw.Populations[l].Kind.String(), Neurons: ly.Size,
			Cores: len(m.LayerCores[l]), Fires: lw.Populations[l].Fires})
	}
	return r
}

// finish turns the sums into per-sample figures.
func (r *Report) finish() {
	n := float64(r.Samples)
	var chipAll, floatAll uint64
	firing := 0
	for i := range r.Populations {
		p := &r.Populations[i]
		p.ChipSpikes, p.FloatSpikes = float64(p.chip)/n, float64(p.float)/n
		if p.Fires && p.Neurons > 0 && r.Timesteps > 0 {
			steps := float64(p.Neurons) * float64(r.Timesteps)
			p.ChipRate, p.FloatRate = p.ChipSpikes/steps, p.FloatSpikes/steps
			chipAll, floatAll, firing = chipAll+p.chip, floatAll+p.float, firing+p.Neurons
		}
		switch {
		case p.float > 0:
			d := 100 * (p.ChipSpikes - p.FloatSpikes) / p.FloatSpikes
			p.DriftPct = &d
		case p.chip == 0:
			d := 0.0
			p.DriftPct = &d
		}
	}
	agree, chipOK, floatOK := 0, 0, 0
	for i := range r.Samples {
		if r.chipPred[i] == r.floatPred[i] {
			agree++
		}
		if r.labels != nil {
			if r.chipPred[i] == r.labels[i] {
				chipOK++
			}
			if r.floatPred[i] == r.labels[i] {
				floatOK++
			}
		}
	}
	if firing > 0 {
		steps := n * float64(firing) * float64(r.Timesteps)
		r.ChipSpikesPerNeuronStep, r.FloatSpikesPerNeuronStep = float64(chipAll)/steps, float64(floatAll)/steps
	}
	r.OutputAgreementPct = 100 * float64(agree) / n
	if r.labels != nil {
		c, f := 100*float64(chipOK)/n, 100*float64(floatOK)/n
		r.ChipAccuracyPct, r.FloatAccuracyPct = &c, &f
	}
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
	fmt.Fprintf(&b, "spikemesh report (NIR graph)\n\n")
	fmt.Fprintf(&b, "model     %s, dt %g s\n", r.Model, r.DTSeconds)
	fmt.Fprintf(&b, "input     %s: %d samples, %d timesteps, %s\n", r.Input, r.Samples, r.Timesteps, r.Encoding)
	fmt.Fprintf(&b, "chip      %s, %d cores used, %d-bit weights, %d projections, %d synapses; %d chip timesteps per sample (input + output latency)\n\n",
		r.Chip, r.CoresUsed, r.WeightBits, r.Projections, r.Synapses, r.ChipTimesteps)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "population\tNIR type\tneurons\tcores\tspikes chip\tspikes float\tdrift %%\n")
	for _, p := range r.Populations {
		if !p.Fires {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t-\t-\treadout\n", p.Name, p.Type, p.Neurons, p.Cores)
			continue
		}
		drift := "n/a"
		if p.DriftPct != nil {
			drift = fmt.Sprintf("%+.2f", *p.DriftPct)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.2f\t%.2f\t%s\n", p.Name, p.Type, p.Neurons, p.Cores, p.ChipSpikes, p.FloatSpikes, drift)
	}
	tw.Flush()
	fmt.Fprintf(&b, "(spikes per sample, mean over samples)\n")
	fmt.Fprintf(&b, "sparsity  chip %.4f  float %.4f spikes per neuron per input timestep (firing populations)\n\n", r.ChipSpikesPerNeuronStep, r.FloatSpikesPerNeuronStep)
	if r.Regression == nil { // a regression's outputs are values, not classes
		fmt.Fprintf(&b, "output agreement chip vs float  %.2f %%\n", r.OutputAgreementPct)
	}
	if r.ChipAccuracyPct != nil {
		fmt.Fprintf(&b, "accuracy  chip %.2f %%  float %.2f %%\n", *r.ChipAccuracyPct, *r.FloatAccuracyPct)
	}
	if r.Regression != nil {
		r.Regression.writeText(&b, r.Samples)
	}
	fmt.Fprintf(&b, "energy    %.4g µJ per sample", r.EnergyUJ)
	for _, p := range r.EnergyParts {
		if p.UJ > 0 {
			fmt.Fprintf(&b, "; %s %.3g", p.Name, p.UJ)
		}
	}
	fmt.Fprintf(&b, "\nlatency   %.4g µs per sample, %.1f cycles per timestep\n", r.LatencyUS, r.CyclesPerTimestep)
	if r.Streaming != nil {
		r.Streaming.writeText(&b)
	}
	fmt.Fprintf(&b, "activity  %.4g synaptic ops, %.4g spike packets per sample\n", r.SynapticOps, r.SpikePackets)
	if r.FanInSplit != nil {
		r.FanInSplit.writeText(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
