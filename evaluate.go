package spikemesh

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/membudget"
	"github.com/spikemesh/spikemesh/internal/provenance"
	"github.com/spikemesh/spikemesh/trace"
	"github.com/spikemesh/spikemesh/workloads"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/dataset"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// Workload is a built-in model with its data: read-only once loaded, so one
// Workload can be shared by any number of concurrent evaluations.
type Workload struct {
	Name  string
	Net   *ann.Net
	Test  *mnist.Set // the evaluated images and labels
	Calib *mnist.Set // calibration images for threshold balancing
	// Dataset names the evaluated set in reports ("mnist-test",
	// "fashion-mnist-test" or the dataset file); CalibSource says where
	// Calib came from (dataset.Images.CalibSource).
	Dataset, CalibSource string
}

// LoadWorkload loads a model with the test set and embedded calibration
// images of the image set it was trained on (models.ImageSetOf: MNIST
// unless the model is a built-in trained on another).
func LoadWorkload(model string) (*Workload, error) {
	return LoadWorkloadData(model, models.ImageSetOf(model).String())
}

// LoadWorkloadData loads a model and the data set data names (see
// dataset.Open: a built-in image set or a .npz file), checking that the
// images and labels fit the model.
func LoadWorkloadData(model, data string) (*Workload, error) {
	net, err := models.Resolve(model)
	if err != nil {
		return nil, err
	}
	d, err := dataset.Open(data)
	if err != nil {
		return nil, err
	}
	if err := d.CheckNet(model, net); err != nil {
		return nil, err
	}
	name := d.Name
	if name == dataset.MNIST || name == dataset.FashionMNIST {
		name += "-test"
	}
	return &Workload{Name: model, Net: net, Test: d.Images.Test, Calib: d.Images.Calib, Dataset: name, CalibSource: d.Images.CalibSource}, nil
}

// CheckSamples reports whether n samples can be taken from the test set.
func (w *Workload) CheckSamples(n int) error {
	if n < 1 || n > w.Test.N {
		return fmt.Errorf("spikemesh: samples is %d, must be in 1..%d (%s: the test set has %d)", n, w.Test.N, w.Dataset, w.Test.N)
	}
	return nil
}

// Prepared is a workload converted for one chip and mapped onto it. It is
// read-only after Prepare, so several Simulate calls (different timesteps,
// seeds or samples) can share it, concurrently.
type Prepared struct {
	Workload   *Workload
	Chip       chip.Config
	Conversion workloads.ConvertOptions
	Converted  *workloads.Converted
	Mapping    *chip.Mapping
	// Traffic-aware placement (Chip.Placement other than row-major): the
	// packet-hops per inference of the profiled traffic under row-major
	// placement and under the chosen one.
	ProfiledHopsRowMajor, ProfiledHopsPlaced float64
}

// Placement profiling: traffic is measured by simulating this many
// calibration images for this many timesteps on the row-major placement.
const (
	profileSamples   = 64
	profileTimesteps = 32
)

// Prepare converts the workload (weights quantized to the chip's weight
// bits) and maps it onto the chip.
func Prepare(w *Workload, c chip.Config, conv workloads.ConvertOptions) (*Prepared, error) {
	conv.WeightBits = c.WeightBits
	cv, err := workloads.ConvertNet(w.Net, w.Calib, conv)
	if err != nil {
		return nil, err
	}
	return PrepareConverted(w, c, conv, cv)
}

// PrepareConverted maps an already converted workload onto the chip (and
// places it, for traffic-aware placements), so one conversion can serve
// many chip variants with the same weight width.
func PrepareConverted(w *Workload, c chip.Config, conv workloads.ConvertOptions, cv *workloads.Converted) (*Prepared, error) {
	mp, err := chip.Map(cv.Net, c)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Workload: w, Chip: c, Conversion: conv, Converted: cv, Mapping: mp}
	if c.Placement != chip.RowMajor {
		if err := p.place(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// place profiles the traffic between core groups on calibration images and
// re-places the groups with the chip's placement strategy.
func (p *Prepared) place() error {
	sim, err := chip.NewSimulator(p.Mapping, 0)
	if err != nil {
		return err
	}
	sim.EnableTraffic()
	n := min(profileSamples, p.Workload.Calib.N)
	for i := 0; i < n; i++ {
		stim := p.Conversion.Encoder.NewStimulus(p.Workload.Calib.Image(i), p.Chip.PlacementSeed, i)
		if _, err := sim.Run(context.Background(), stim, profileTimesteps); err != nil {
			return err
		}
	}
	flows := sim.Traffic(n)
	placed, err := chip.Place(p.Mapping, flows, p.Chip.Placement, p.Chip.PlacementSeed)
	if err != nil {
		return err
	}
	p.ProfiledHopsRowMajor = p.Mapping.PacketHops(flows)
	p.ProfiledHopsPlaced = placed.PacketHops(flows)
	p.Mapping = placed
	return nil
}

// Evaluate converts the model, maps it onto the chip, simulates the test
// samples at every timestep count of the plan and returns the report.
//
// Two errors come with partial results. If ctx is cancelled, the error is
// an *InterruptedError saying how many samples were done (and no report).
// If only the trace (Options.TraceDir) could not be written, Evaluate
// returns the complete report together with the error, which wraps a
// *trace.IncompleteError naming the files that are missing; the caller
// prints the report and then fails.
func Evaluate(ctx context.Context, o Options) (*Report, error) {
	plan, err := o.Plan()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	w, err := LoadWorkloadData(o.Model, cmp.Or(o.Dataset, models.ImageSetOf(o.Model).String()))
	if err != nil {
		return nil, err
	}
	if err := w.CheckSamples(o.Samples); err != nil {
		return nil, err
	}
	tLoad := time.Now()
	cv, err := workloads.ConvertNet(w.Net, w.Calib, plan.Conversion)
	if err != nil {
		return nil, err
	}
	tConv := time.Now()
	p, err := PrepareConverted(w, o.Chip, plan.Conversion, cv)
	if err != nil {
		return nil, err
	}
	tMap := time.Now()
	r, err := newReport(&o, plan, p)
	if err != nil {
		return nil, err
	}
	total := o.Samples * len(plan.Timesteps)
	done := 0 // samples finished, over every timestep count
	var traceErr error
	for k, T := range plan.Timesteps {
		so := SimOptions{Samples: o.Samples, Timesteps: T, Seed: o.Seed, Workers: o.Workers, Trace: o.TraceDir != "" && k == 0}
		if so.Trace {
			// A traced run keeps one mesh (samples run one at a time) and
			// the trace, summed over samples, until it is written.
			need := o.Chip.MeshBytes() + chip.TraceBytes(p.Mapping, T)
			err := membudget.Budget(o.MaxMemory).Check(fmt.Sprintf("--trace of %d timesteps on %d cores", T, len(p.Mapping.Cores)), need,
				"trace fewer --timesteps (the first count of the list is the one traced), or raise --max-memory")
			if err != nil {
				return nil, fmt.Errorf("spikemesh: %w", err)
			}
		}
		base := k * o.Samples
		so.Progress = func(d int) {
			done = base + d
			if o.Progress != nil {
				o.Progress(done, total)
			}
		}
		act, err := p.simulate(ctx, so)
		if err != nil {
			if ctx.Err() != nil {
				return nil, &InterruptedError{Done: done, Total: total, Err: err}
			}
			return nil, err
		}
		if act.Trace != nil {
			// The run is complete: a trace that cannot be written (a full
			// disk) does not discard it.
			if err := trace.Write(o.TraceDir, act.Trace, p.Mapping, act.agg.sum.Cycles); err != nil {
				traceErr = err
			}
		}
		r.Runs = append(r.Runs, act.price(plan.Energy))
	}
	if o.Timings != nil {
		*o.Timings = Timings{Load: tLoad.Sub(t0), Convert: tConv.Sub(tLoad), Map: tMap.Sub(tConv), Simulate: time.Since(tMap)}
	}
	return r, traceErr
}

// InterruptedError is Evaluate's error when its context is cancelled
// (Ctrl-C): it says how many samples were finished. It wraps the
// context's error.
type InterruptedError struct {
	Done, Total int // samples finished and asked for, over every timestep count
	Err         error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted after %d of %d samples", e.Done, e.Total)
}

func (e *InterruptedError) Unwrap() error { return e.Err }

// newReport fills everything in the report but the runs: what ran, on what
// chip, how each layer was converted and mapped, and the ANN accuracies.
func newReport(o *Options, plan *Plan, p *Prepared) (*Report, error) {
	w, conv, mp, c := p.Workload, p.Converted, p.Mapping, &o.Chip
	prov, err := provenance.New(*c, plan.Energy)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Provenance: prov,
		Workload: WorkloadInfo{
			Model: o.Model, Dataset: w.Dataset, Samples: o.Samples, Timesteps: plan.Timesteps,
			Encoder: plan.Conversion.Encoder.String(), Conversion: conversionText(o, w, conv), Method: conv.Method.String(),
			Notes: plan.Notes, MaxPool: conv.MaxPoolNote, Seed: o.Seed, ANNMACs: w.Net.MACs(), Architecture: w.Net.Summary(),
		},
		Chip: ChipInfo{
			Preset: c.Name, Mesh: fmt.Sprintf("%dx%d", c.MeshWidth, c.MeshHeight), Chips: c.Chips(),
			CoresPerRouter: c.CoresPerRouter, CoresUsed: len(mp.Cores), CoresAvailable: c.Cores(),
			RoutersUsed: mp.Routers, ClockMHz: c.ClockMHz, WeightBits: c.WeightBits,
			NeuronsPerCore: mp.NeuronUsage(), SynMemBytesPerCore: mp.SynMemUsage(),
			NeuronsCapacity: c.NeuronsPerCore, SynMemCapacity: c.SynapseMemoryBytes,
			Placement: c.Placement.String(), ProfiledHopsRowMajor: p.ProfiledHopsRowMajor, ProfiledHopsPlaced: p.ProfiledHopsPlaced,
		},
	}
	test := w.Test.Slice(0, o.Samples)
	r.ANNAccuracyPct = 100 * w.Net.Accuracy(test, 0)
	if conv.Method == workloads.MethodExact {
		var acc float64
		acc, err = workloads.QuantizedAccuracy(conv.Net, test, o.Samples, 0)
		if err != nil {
			return nil, err
		}
		r.QuantizedANNAccuracyPct = 100 * acc
		r.QuantizedANN = "the integer network the chip runs: a_l = clamp(floor((Z_l + θ/2)/θ), 0, L)"
	} else if conv.WeightQuantized != nil {
		r.QuantizedANNAccuracyPct = 100 * conv.WeightQuantized.Accuracy(test, 0)
		r.QuantizedANN = fmt.Sprintf("the float ANN with the chip's %d-bit weights", c.WeightBits)
	}
	for l, ly := range conv.Net.Layers {
		r.Workload.Layers = append(r.Workload.Layers, ly.Name)
		lc := conv.Layers[l]
		r.Mapping = append(r.Mapping, LayerMap{Name: ly.Name, Kind: lc.Kind, Neurons: ly.Size, FanIn: conv.Net.FanIn(l),
			Cores: len(mp.LayerCores[l]), Threshold: ly.Neuron.Threshold, Lambda: lc.Lambda, Levels: lc.Levels,
			WeightStep: lc.Scale, MaxWeight: lc.MaxWeight, Clipped: lc.Clipped, Note: lc.Note})
	}
	return r, nil
}

func conversionText(o *Options, w *Workload, cv *workloads.Converted) string {
	if cv.Method == workloads.MethodExact {
		return "exact: QCFS activations onto bidirectional IF neurons (count in [0, L], start at θ/2), input presented once, each sample run until quiet"
	}
	per := "layer"
	if o.PerChannel {
		per = "channel"
	}
	return fmt.Sprintf("rate, threshold balancing per %s at the %gth percentile of %s, %s", per, o.Percentile, w.CalibSource, workloads.LeakDescribe(o.Reset, o.Leak))
}
