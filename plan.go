package spikemesh

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/workloads"
)

// Options select the workload, the chip, the energy model and the run.
type Options struct {
	Model  string       // built-in model name (see models.Names) or a model description file (.yaml/.json)
	Chip   chip.Config  // the chip to map onto
	Energy energy.Model // per-event costs, before ForChip (Plan resolves them for Chip)
	// TraceDir, if set, receives the per-timestep trace of the first
	// timestep count's run (see package trace).
	TraceDir string
	// EnergyOverride replaces some costs after the model is resolved for the
	// chip, e.g. "synop=30pJ" (see energy.Model.Override).
	EnergyOverride string
	// Dataset is what the model is evaluated on: "mnist", "fashion-mnist"
	// (their test sets) or a .npz file (see package workloads/dataset and
	// docs/import.md); "" means the set the model was trained on
	// (models.ImageSetOf).
	Dataset   string
	Samples   int   // test samples, from the start of the data set
	Timesteps []int // one run per entry; empty: DefaultTimesteps of the method
	// Encoder is the input encoding. Exact conversion presents the image
	// once and always uses workloads.Pulse; Plan says so in its Notes when
	// Encoder is another one.
	Encoder    workloads.Encoder
	Method     workloads.Method    // rate or exact conversion
	PerChannel bool                // rate conversion: balance thresholds per channel
	Reset      workloads.ResetMode // rate conversion: IF reset by subtraction (default) or to zero
	Leak       uint16              // rate conversion: leak per timestep in 1/4096 (0: IF; > 0: LIF neurons, needs Reset zero)
	Percentile float64             // threshold-balancing percentile, (0, 100]
	Seed       uint64              // seeds every random draw (rate-coded input)
	Workers    int                 // compute workers; <= 0 means GOMAXPROCS; never changes results
	// MaxMemory is the memory budget in bytes (0: no limit) that the
	// chip's meshes (one per worker replica) and the trace are checked
	// against before they are allocated (see docs/reliability.md).
	MaxMemory int64
	// Progress, if set, is called after every simulated sample with the
	// number done and the total (over all timestep counts).
	Progress func(done, total int)
	// Timings, if set, receives the wall time of each stage. It is kept out
	// of the Report, which must not depend on the machine.
	Timings *Timings
}

// Timings is the wall time Evaluate spent in each stage.
type Timings struct {
	Load, Convert, Map, Simulate time.Duration
}

// Default timestep counts when Options.Timesteps is empty (README,
// "Sample output", full test set). Rate conversion: 32, where the built-in
// MLP's SNN scores 98.62 % against the float ANN's 98.53 % (97.43 % at 8,
// 98.63 % at 16). Exact conversion: the limit per sample, far above what
// any run needs: the built-in QCFS models go quiet within 14 (MLP) and 40
// (CNN) timesteps on all 10,000 test images.
const (
	defaultRateTimesteps  = 32
	defaultExactTimesteps = 200
)

// MaxTimesteps bounds a timestep count (--timesteps, and the limit per
// sample of exact conversion). Converted SNNs in the literature use at most
// a few thousand timesteps (Sengupta et al., Front. Neurosci. 2019, 2,500
// for VGG-16 on ImageNet; the built-in models need 32 rate-coded or go quiet
// within 40), so 10^6 is 400 times the largest of them while one sample of the
// built-in MLP still ends in about 20 minutes (docs/reliability.md).
const MaxTimesteps = 1_000_000

// DefaultTimesteps is the timestep count Plan uses for method when
// Options.Timesteps is empty.
func DefaultTimesteps(method workloads.Method) int {
	if method == workloads.MethodExact {
		return defaultExactTimesteps
	}
	return defaultRateTimesteps
}

// Validate reports every invalid option at once. The sample count is
// checked against the test set when it is loaded (Workload.CheckSamples).
func (o *Options) Validate() error {
	var errs []error
	for _, t := range o.Timesteps {
		if t < 1 || t > MaxTimesteps {
			errs = append(errs, fmt.Errorf("timesteps %d: must be in 1..%d", t, MaxTimesteps))
		}
	}
	if !(o.Percentile > 0 && o.Percentile <= 100) {
		errs = append(errs, fmt.Errorf("percentile is %g, must be in (0, 100]", o.Percentile))
	}
	if err := o.Chip.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("chip %s: %w", o.Chip.Name, err))
	} else if err := o.checkChipMemory(); err != nil {
		errs = append(errs, err)
	}
	if err := o.Energy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("energy model %s: %w", o.Energy.Name, err))
	}
	return errors.Join(errs...)
}

// checkChipMemory refuses a chip whose meshes (one per worker replica)
// would not fit in MaxMemory, before anything is loaded or built.
func (o *Options) checkChipMemory() error {
	need := o.Chip.RunBytes(o.Workers, o.Samples)
	what := fmt.Sprintf("chip %s (%dx%d routers, %d cores per router, buffer depth %d, %d workers)",
		o.Chip.Name, o.Chip.BoardWidth(), o.Chip.BoardHeight(), o.Chip.CoresPerRouter, o.Chip.BufferDepth, resolvedWorkers(o.Workers))
	return membudget.Budget(o.MaxMemory).Check(what, need,
		"use a smaller mesh, fewer cores per router or a smaller buffer_depth, fewer --workers, or raise --max-memory")
}

func resolvedWorkers(w int) int {
	if w <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return w
}

// Plan is what Options resolve to before anything is loaded: every
// decision of an evaluation's policy, made in one place.
type Plan struct {
	// Conversion is complete: weights quantized to the chip's weight bits,
	// the encoder the method needs.
	Conversion workloads.ConvertOptions
	// Energy is resolved for the chip (energy.Model.ForChip) with
	// Options.EnergyOverride applied; its Name says so when overridden.
	Energy    energy.Model
	Timesteps []int    // Options.Timesteps, or the method's default
	Notes     []string // policy decisions the report states
}

// Plan validates the options and resolves them into a Plan.
func (o *Options) Plan() (*Plan, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("spikemesh: invalid options:\n%w", err)
	}
	conv, notes := o.ConvertOptions()
	p := &Plan{Conversion: conv, Notes: notes, Timesteps: slices.Clone(o.Timesteps)}
	if len(p.Timesteps) == 0 {
		p.Timesteps = []int{DefaultTimesteps(o.Method)}
	}
	if err := p.Conversion.Validate(); err != nil {
		return nil, fmt.Errorf("spikemesh: invalid options:\n%w", err)
	}
	// Options.Validate has checked the chip, so ForChip's arguments are in
	// range; its error is kept for models it rejects for other reasons.
	em, err := o.Energy.ForChip(o.Chip.WeightBits, o.Chip.SynapseMemoryBytes)
	if err != nil {
		return nil, err
	}
	if o.EnergyOverride != "" {
		if em, err = em.Override(o.EnergyOverride); err != nil {
			return nil, err
		}
		em.Name += " with " + o.EnergyOverride
	}
	p.Energy = em
	return p, nil
}

// ConvertOptions returns the conversion options o asks for: the one place
// the conversion policy lives (Plan and the explorer both use it). Weights
// are quantized to the chip's weight bits; exact conversion presents the
// image once, so it always uses workloads.Pulse, and the returned notes say
// so when o.Encoder is another encoder.
func (o *Options) ConvertOptions() (workloads.ConvertOptions, []string) {
	c := workloads.ConvertOptions{Percentile: o.Percentile, Encoder: o.Encoder, Method: o.Method,
		PerChannel: o.PerChannel, Reset: o.Reset, Leak: o.Leak, WeightBits: o.Chip.WeightBits}
	var notes []string
	if o.Method == workloads.MethodExact && o.Encoder != workloads.Pulse {
		c.Encoder = workloads.Pulse
		notes = append(notes, fmt.Sprintf("encoder pulse, not %s: exact conversion presents the image once, as graded events", o.Encoder))
	}
	return c, notes
}
