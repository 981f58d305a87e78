package explore

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/spikemesh/spikemesh"
)

// Metrics are the figures of merit of one evaluated point, per inference
// where that applies. The JSON names are the metric names of space files.
type Metrics struct {
	AccuracyPct        float64 `json:"accuracy_pct"`             // SNN accuracy, %
	ANNAccuracyPct     float64 `json:"ann_accuracy_pct"`         // float ANN on the same samples, %
	EnergyUJ           float64 `json:"energy_uj"`                // energy per inference, µJ
	LatencyUS          float64 `json:"latency_us"`               // latency per inference, µs
	PowerMW            float64 `json:"power_mw"`                 // average power while inferring, mW
	CoresUsed          float64 `json:"cores_used"`               // cores the mapping occupies
	ChipCores          float64 `json:"chip_cores"`               // cores on the chip
	SynMemKiB          float64 `json:"synaptic_memory_kib"`      // synaptic memory on the chip, KiB
	SynMemUsedKiB      float64 `json:"synaptic_memory_used_kib"` // synaptic memory the mapping fills, KiB
	SynapticOps        float64 `json:"synaptic_ops"`             // effective ACs per inference
	ActivationSparsity float64 `json:"activation_sparsity"`      // fraction of neuron-timesteps without a spike
	CyclesPerTimestep  float64 `json:"cycles_per_timestep"`      // mean
	SplitterCores      float64 `json:"splitter_cores"`           // cores that only compute partial sums (fan-in splitting)
	SplitEnergyUJ      float64 `json:"split_energy_uj"`          // partial-sum adds, packets and hops per inference, µJ
	// NIR models only (docs/explore.md, "Sweeping a NIR model").
	OutputAgreementPct float64 `json:"output_agreement_pct,omitempty"` // samples whose class is the same on the chip and in float, %
	FloatAccuracyPct   float64 `json:"float_accuracy_pct,omitempty"`   // the float reference's accuracy (labelled inputs), %
	// Mackey-Glass only (docs/explore.md, "Sweeping Mackey-Glass"): sMAPE
	// on NeuroBench's test steps, %, and the cost of one prediction (one
	// series value: its steps_per_value chip timesteps).
	SMAPEPct         float64 `json:"smape_pct,omitempty"`           // chip
	FloatSMAPEPct    float64 `json:"float_smape_pct,omitempty"`     // the float reference of the same graph
	TanhSMAPEPct     float64 `json:"tanh_smape_pct,omitempty"`      // the non-spiking baseline of the same size, float
	EnergyUJPerStep  float64 `json:"energy_uj_per_step,omitempty"`  // µJ per prediction
	LatencyUSPerStep float64 `json:"latency_us_per_step,omitempty"` // µs per prediction (mean)
}

// UnmarshalJSON reads a Metrics object, including points.jsonl lines
// written before accuracy was renamed accuracy_pct: their "accuracy" and
// "ann_accuracy" were already in percent, so those points are reused as
// they are rather than computed again.
func (m *Metrics) UnmarshalJSON(b []byte) error {
	type fields Metrics // the same fields without this method
	var v struct {
		fields
		OldAccuracy    *float64 `json:"accuracy"`
		OldANNAccuracy *float64 `json:"ann_accuracy"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Metrics(v.fields)
	if v.OldAccuracy != nil {
		m.AccuracyPct = *v.OldAccuracy
	}
	if v.OldANNAccuracy != nil {
		m.ANNAccuracyPct = *v.OldANNAccuracy
	}
	return nil
}

// metricDef describes one metric: its unit, the range it can take, for
// metrics fixed by the configuration alone how to compute them from it,
// and the workloads it exists for.
type metricDef struct {
	name, unit, label string
	get               func(m *Metrics) float64
	lo, hi            float64
	static            func(pc *PointConfig) float64
	scope             metricScope
}

// metricScope is the workloads a metric exists for.
type metricScope uint8

const (
	anyWorkload metricScope = iota
	annOnly                 // built-in ANN workloads (a float ANN to compare with)
	nirOnly                 // NIR models (a float reference of the graph)
	labelled                // accuracy: ANN workloads, and NIR models whose input has labels
	nirLabelled             // NIR models whose input has labels
	mgOnly                  // the Mackey-Glass workload (a regression over a series)
)

func chipCores(pc *PointConfig) float64 { return float64(pc.Chip.Cores()) }

func chipSynMemKiB(pc *PointConfig) float64 {
	return float64(pc.Chip.Cores()) * float64(pc.Chip.SynapseMemoryBytes) / 1024
}

var inf = math.Inf(1)

// metricTable lists every metric, in the order of CSV columns. Read-only.
var metricTable = [...]metricDef{
	{"accuracy_pct", "%", "SNN accuracy", func(m *Metrics) float64 { return m.AccuracyPct }, 0, 100, nil, labelled},
	{"ann_accuracy_pct", "%", "ANN accuracy", func(m *Metrics) float64 { return m.ANNAccuracyPct }, 0, 100, nil, annOnly},
	{"energy_uj", "µJ", "energy per inference", func(m *Metrics) float64 { return m.EnergyUJ }, 0, inf, nil, anyWorkload},
	{"latency_us", "µs", "latency per inference", func(m *Metrics) float64 { return m.LatencyUS }, 0, inf, nil, anyWorkload},
	{"power_mw", "mW", "average power", func(m *Metrics) float64 { return m.PowerMW }, 0, inf, nil, anyWorkload},
	{"cores_used", "", "cores used", func(m *Metrics) float64 { return m.CoresUsed }, 0, inf, nil, anyWorkload},
	{"chip_cores", "", "cores on the chip", func(m *Metrics) float64 { return m.ChipCores }, 0, inf, chipCores, anyWorkload},
	{"synaptic_memory_kib", "KiB", "synaptic memory on the chip", func(m *Metrics) float64 { return m.SynMemKiB }, 0, inf, chipSynMemKiB, anyWorkload},
	{"synaptic_memory_used_kib", "KiB", "synaptic memory used", func(m *Metrics) float64 { return m.SynMemUsedKiB }, 0, inf, nil, anyWorkload},
	{"synaptic_ops", "", "synaptic ops per inference", func(m *Metrics) float64 { return m.SynapticOps }, 0, inf, nil, anyWorkload},
	{"activation_sparsity", "", "activation sparsity", func(m *Metrics) float64 { return m.ActivationSparsity }, 0, 1, nil, anyWorkload},
	{"cycles_per_timestep", "cycles", "cycles per timestep", func(m *Metrics) float64 { return m.CyclesPerTimestep }, 0, inf, nil, anyWorkload},
	{"splitter_cores", "", "splitter cores", func(m *Metrics) float64 { return m.SplitterCores }, 0, inf, nil, anyWorkload},
	{"split_energy_uj", "µJ", "fan-in splitting energy", func(m *Metrics) float64 { return m.SplitEnergyUJ }, 0, inf, nil, anyWorkload},
	{"output_agreement_pct", "%", "output agreement chip vs float", func(m *Metrics) float64 { return m.OutputAgreementPct }, 0, 100, nil, nirOnly},
	{"float_accuracy_pct", "%", "float reference accuracy", func(m *Metrics) float64 { return m.FloatAccuracyPct }, 0, 100, nil, nirLabelled},
	// sMAPE is bounded by 200 % (NeuroBench's definition, mackeyglass.SMAPE).
	{"smape_pct", "%", "sMAPE on the chip", func(m *Metrics) float64 { return m.SMAPEPct }, 0, 200, nil, mgOnly},
	{"float_smape_pct", "%", "sMAPE in float", func(m *Metrics) float64 { return m.FloatSMAPEPct }, 0, 200, nil, mgOnly},
	{"tanh_smape_pct", "%", "sMAPE of the tanh baseline", func(m *Metrics) float64 { return m.TanhSMAPEPct }, 0, 200, nil, mgOnly},
	{"energy_uj_per_step", "µJ", "energy per prediction", func(m *Metrics) float64 { return m.EnergyUJPerStep }, 0, inf, nil, mgOnly},
	{"latency_us_per_step", "µs", "latency per prediction", func(m *Metrics) float64 { return m.LatencyUSPerStep }, 0, inf, nil, mgOnly},
}

// applies reports whether the metric exists for the space's points.
func (s *Space) applies(m *metricDef) bool {
	nirSpace, mgSpace := s.NIR != nil, s.MG != nil
	switch m.scope {
	case annOnly:
		return !nirSpace && !mgSpace
	case nirOnly:
		return nirSpace
	case mgOnly:
		return mgSpace
	case labelled:
		return !mgSpace && (!nirSpace || s.NIR.Labelled())
	case nirLabelled:
		return nirSpace && s.NIR.Labelled()
	}
	return true
}

// checkMetric refuses an objective or constraint on a metric the space's
// points do not have.
func (s *Space) checkMetric(name string) error {
	m := findMetric(name)
	if m == nil || s.applies(m) {
		return nil
	}
	switch {
	case m.scope == mgOnly:
		return fmt.Errorf("%s exists only for the mackey-glass workload", name)
	case s.MG != nil:
		return fmt.Errorf("%s does not apply to mackey-glass, a regression (use smape_pct, float_smape_pct, energy_uj_per_step, latency_us_per_step)", name)
	case s.NIR == nil:
		return fmt.Errorf("%s exists only for a NIR model (model and input in the space)", name)
	case m.scope == annOnly:
		return fmt.Errorf("%s compares with the float ANN of a built-in workload; a NIR model has none (use output_agreement_pct or float_accuracy_pct)", name)
	}
	return fmt.Errorf("%s needs labels, and the input %s has none (use output_agreement_pct)", name, s.NIR.InputPath)
}

// MetricNames lists the metrics objectives and constraints may name.
func MetricNames() []string {
	names := make([]string, len(metricTable))
	for i := range metricTable {
		names[i] = metricTable[i].name
	}
	return names
}

// MetricUnit is the unit of a metric ("" for counts and ratios).
func MetricUnit(name string) string {
	if m := findMetric(name); m != nil {
		return m.unit
	}
	return ""
}

// Metric returns the named metric of m; ok is false for an unknown name.
func (m *Metrics) Metric(name string) (v float64, ok bool) {
	d := findMetric(name)
	if d == nil {
		return 0, false
	}
	return d.get(m), true
}

// unknownMetric explains a metric name that is not in metricTable; names
// renamed since earlier releases get their new name.
func unknownMetric(name string) string {
	switch name {
	case "accuracy", "ann_accuracy":
		return fmt.Sprintf("metric %q is now %s_pct (accuracy is in percent, and the name says so)", name, name)
	}
	return fmt.Sprintf("unknown metric %q (known: %s)", name, strings.Join(MetricNames(), ", "))
}

func findMetric(name string) *metricDef {
	for i := range metricTable {
		if metricTable[i].name == name {
			return &metricTable[i]
		}
	}
	return nil
}

func (m *metricDef) unitOrCount() string {
	if m.unit == "" {
		return "(a count or ratio)"
	}
	return m.unit
}

// axisLabel is "label (unit)" for plots and tables.
func (m *metricDef) axisLabel() string {
	if m.unit == "" {
		return m.label
	}
	return m.label + " (" + m.unit + ")"
}

// metricsFromRun collects a point's metrics from its priced run.
func metricsFromRun(r *spikemesh.Run, p *spikemesh.Prepared, pc *PointConfig, annAcc float64) Metrics {
	var usedBytes int64
	for _, c := range p.Mapping.Cores {
		usedBytes += (c.SynMemBits + 7) / 8
	}
	m := Metrics{
		AccuracyPct:        r.SNNAccuracyPct,
		ANNAccuracyPct:     annAcc * 100,
		EnergyUJ:           r.Energy.TotalUJ,
		LatencyUS:          r.Timing.LatencyUS,
		PowerMW:            r.Energy.PowerMW,
		CoresUsed:          float64(len(p.Mapping.Cores)),
		ChipCores:          chipCores(pc),
		SynMemKiB:          chipSynMemKiB(pc),
		SynMemUsedKiB:      float64(usedBytes) / 1024,
		SynapticOps:        r.SynapticOps,
		ActivationSparsity: r.ActivationSparsity,
		CyclesPerTimestep:  r.Timing.CyclesPerTimestepMean,
	}
	if r.Split != nil {
		m.SplitterCores, m.SplitEnergyUJ = float64(r.Split.SplitterCores), r.Split.EnergyUJ
	}
	return m
}
