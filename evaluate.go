package spikemesh

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/router"
	"github.com/spikemesh/spikemesh/workloads"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// Options select the workload, the chip, the energy model and the run.
type Options struct {
	Model  string       // built-in model name (see models.Names) or a model description file (.yaml/.json)
	Chip   chip.Config  // the chip to map onto
	Energy energy.Model // per-event costs
	// TraceDir, if set, receives the per-timestep trace of the first
	// timestep count's run (see WriteTrace).
	TraceDir string
	// EnergyOverride replaces some costs after the model is resolved for the
	// chip, e.g. "synop=30pJ" (see energy.Model.Override).
	EnergyOverride string
	Samples        int   // test samples, from the start of the MNIST test set
	Timesteps      []int // one run per entry
	Encoder        workloads.Encoder
	Method         workloads.Method // rate or exact conversion (exact sets the pulse encoder)
	PerChannel     bool             // rate conversion: balance thresholds per channel
	Percentile     float64          // threshold-balancing percentile, (0, 100]
	Seed           uint64           // seeds every random draw (rate-coded input)
	Workers        int              // compute workers; <= 0 means GOMAXPROCS; never changes results
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

// Validate reports every invalid option at once.
func (o *Options) Validate() error {
	var errs []error
	if o.Samples < 1 {
		errs = append(errs, fmt.Errorf("samples is %d, must be >= 1", o.Samples))
	}
	if len(o.Timesteps) == 0 {
		errs = append(errs, errors.New("no timesteps given"))
	}
	for _, t := range o.Timesteps {
		if t < 1 {
			errs = append(errs, fmt.Errorf("timesteps %d: must be >= 1", t))
		}
	}
	if !(o.Percentile > 0 && o.Percentile <= 100) {
		errs = append(errs, fmt.Errorf("percentile is %g, must be in (0, 100]", o.Percentile))
	}
	if err := o.Chip.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("chip %s: %w", o.Chip.Name, err))
	}
	if err := o.Energy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("energy model %s: %w", o.Energy.Name, err))
	}
	return errors.Join(errs...)
}

// Workload is a built-in model with its data: read-only once loaded, so one
// Workload can be shared by any number of concurrent evaluations.
type Workload struct {
	Name  string
	Net   *ann.Net
	Test  *mnist.Set // the MNIST test set
	Calib *mnist.Set // calibration images for threshold balancing
}

// LoadWorkload loads a built-in model, the MNIST test set and the
// calibration images.
func LoadWorkload(model string) (*Workload, error) {
	net, err := models.Resolve(model)
	if err != nil {
		return nil, err
	}
	test, err := mnist.Test()
	if err != nil {
		return nil, err
	}
	calib, err := mnist.Calibration()
	if err != nil {
		return nil, err
	}
	if net.Input.Size() != test.Pixels() {
		return nil, fmt.Errorf("spikemesh: model %s takes %s inputs, MNIST images are 1x%dx%d", model, net.Input, test.Rows, test.Cols)
	}
	return &Workload{Name: model, Net: net, Test: test, Calib: calib}, nil
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

// SimOptions select what Simulate runs.
type SimOptions struct {
	Samples   int    // test images from the start of the test set
	Timesteps int    // per inference
	Seed      uint64 // rate-coded input draws
	Workers   int    // <= 0: GOMAXPROCS; never changes results
	// Progress, if set, is called after every sample with the number done.
	Progress func(done int)
	// Trace records per-timestep activity (Activity.Trace).
	Trace bool
}

// Activity is the summed result of simulating SimOptions.Samples samples:
// everything needed to compute a Run for any energy model.
type Activity struct {
	Prepared *Prepared
	Options  SimOptions
	Trace    *chip.Trace // with SimOptions.Trace: per-timestep activity summed over the samples
	Exact    *ExactCheck // exact conversion: counts against the quantized ANN
	agg      aggregate
}

// Simulate runs the first o.Samples test images through the chip.
func (p *Prepared) Simulate(ctx context.Context, o SimOptions) (*Activity, error) {
	if o.Samples < 1 || o.Samples > p.Workload.Test.N {
		return nil, fmt.Errorf("spikemesh: samples is %d, the MNIST test set has %d", o.Samples, p.Workload.Test.N)
	}
	if o.Timesteps < 1 {
		return nil, fmt.Errorf("spikemesh: timesteps is %d, must be >= 1", o.Timesteps)
	}
	sim, err := chip.NewSimulator(p.Mapping, o.Workers)
	if err != nil {
		return nil, err
	}
	test := p.Workload.Test
	a := &Activity{Prepared: p, Options: o, agg: aggregate{layers: len(p.Converted.Net.Layers)}}
	if o.Trace {
		a.Trace = sim.EnableTrace(o.Timesteps)
	}
	exact := p.Converted.Method == workloads.MethodExact
	var qa *workloads.QuantizedActs
	if exact {
		// Every neuron's net spike count is checked against the integer
		// forward pass of the quantized ANN.
		sim.EnableNeuronCounts()
		qa = workloads.NewQuantizedActs(p.Converted.Net)
		a.Exact = &ExactCheck{}
	}
	// Samples are independent: with several workers each simulates whole
	// samples on its own replica of the chip; results arrive in order.
	err = sim.RunSamples(ctx, chip.Samples{N: o.Samples, Timesteps: o.Timesteps, UntilQuiet: exact, InputSteps: 1,
		Stimulus: func(i int) chip.Stimulus { return p.Conversion.Encoder.NewStimulus(test.Image(i), o.Seed, i) },
		Each: func(i int, res chip.Result) error {
			if exact {
				workloads.QuantizedForward(p.Converted.Net, test.Image(i), qa)
				a.Exact.add(&res, qa)
			}
			a.agg.add(&res, res.Prediction() == int(test.Labels[i]))
			if o.Progress != nil {
				o.Progress(i + 1)
			}
			return nil
		}})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ExactCheck compares, in exact conversion, every neuron's net spike count
// with the quantized ANN's activation, image by image.
type ExactCheck struct {
	Images        int // images simulated
	ImagesExact   int // images on which every neuron matched
	ImagesQuiet   int // images whose run went quiet within the timestep limit
	NeuronsWrong  int // neuron mismatches over all images
	StepsSum      int // timesteps to quiescence, summed
	StepsMax      int
	FirstMismatch string // the first mismatch found, if any
}

func (x *ExactCheck) add(r *chip.Result, qa *workloads.QuantizedActs) {
	x.Images++
	x.StepsSum += r.Timesteps
	x.StepsMax = max(x.StepsMax, r.Timesteps)
	if r.Quiet {
		x.ImagesQuiet++
	}
	wrong := 0
	for l, counts := range r.NeuronCounts {
		for j, c := range counts {
			if c != qa.Counts[l][j] {
				if x.FirstMismatch == "" {
					x.FirstMismatch = fmt.Sprintf("image %d, layer %d, neuron %d: %d spikes, quantized ANN %d", x.Images-1, l, j, c, qa.Counts[l][j])
				}
				wrong++
			}
		}
	}
	x.NeuronsWrong += wrong
	if wrong == 0 && r.Quiet {
		x.ImagesExact++
	}
}

// Accuracy is the SNN's accuracy over the simulated samples.
func (a *Activity) Accuracy() float64 { return float64(a.agg.correct) / float64(a.agg.n) }

// Run prices the activity with an energy model and returns the per-
// inference report for it. Chip-dependent costs (generic-45nm's SRAM and
// multiplier scaling) are resolved for the prepared chip first; resolving
// an already resolved model changes nothing.
func (a *Activity) Run(e energy.Model) Run {
	c := a.Prepared.Chip
	// chip.Config.Validate keeps weight_bits in 2..8 and the synaptic memory
	// positive, the only arguments ForChip rejects.
	if r, err := e.ForChip(c.WeightBits, c.SynapseMemoryBytes); err == nil {
		e = r
	}
	e.StaticPerChipMW *= float64(c.Chips()) // every chip of a board leaks
	return a.agg.run(a.Options.Timesteps, a.Prepared.Chip, e, a.Prepared.Mapping, a.Prepared.Converted, a.Prepared.Workload.Net.MACs())
}

// Evaluate converts the model, maps it onto the chip, simulates the test
// samples at every requested timestep count and returns the report.
func Evaluate(ctx context.Context, o Options) (*Report, error) {
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("spikemesh: invalid options:\n%w", err)
	}
	t0 := time.Now()
	w, err := LoadWorkload(o.Model)
	if err != nil {
		return nil, err
	}
	tLoad := time.Now()
	if o.Samples > w.Test.N {
		return nil, fmt.Errorf("spikemesh: samples is %d, the MNIST test set has %d", o.Samples, w.Test.N)
	}
	if o.Method == workloads.MethodExact {
		o.Encoder = workloads.Pulse // the image is presented once, as graded events
	}
	copts := workloads.ConvertOptions{Percentile: o.Percentile, Encoder: o.Encoder, Method: o.Method, PerChannel: o.PerChannel, WeightBits: o.Chip.WeightBits}
	cv, err := workloads.ConvertNet(w.Net, w.Calib, copts)
	if err != nil {
		return nil, err
	}
	tConv := time.Now()
	p, err := PrepareConverted(w, o.Chip, copts, cv)
	if err != nil {
		return nil, err
	}
	tMap := time.Now()
	mp, conv := p.Mapping, p.Converted
	em, err := o.Energy.ForChip(o.Chip.WeightBits, o.Chip.SynapseMemoryBytes)
	if err != nil {
		return nil, err
	}
	if o.EnergyOverride != "" {
		if em, err = em.Override(o.EnergyOverride); err != nil {
			return nil, err
		}
	}
	r := &Report{
		Workload: WorkloadInfo{
			Model: o.Model, Dataset: "mnist-test", Samples: o.Samples, Timesteps: slices.Clone(o.Timesteps),
			Encoder:    o.Encoder.String(),
			Conversion: conversionText(o, w, p.Converted),
			Method:     p.Converted.Method.String(),
			MaxPool:    p.Converted.MaxPoolNote,
			Seed:       o.Seed, ANNMACs: w.Net.MACs(),
			Architecture: w.Net.Summary(),
		},
		Chip: ChipInfo{
			Preset: o.Chip.Name, Mesh: fmt.Sprintf("%dx%d", o.Chip.MeshWidth, o.Chip.MeshHeight), Chips: o.Chip.Chips(),
			CoresPerRouter: o.Chip.CoresPerRouter, CoresUsed: len(mp.Cores), CoresAvailable: o.Chip.Cores(),
			RoutersUsed: mp.Routers, ClockMHz: o.Chip.ClockMHz, WeightBits: o.Chip.WeightBits,
			NeuronsPerCore: mp.NeuronUsage(), SynMemBytesPerCore: mp.SynMemUsage(),
			NeuronsCapacity: o.Chip.NeuronsPerCore, SynMemCapacity: o.Chip.SynapseMemoryBytes,
			Placement: o.Chip.Placement.String(), ProfiledHopsRowMajor: p.ProfiledHopsRowMajor, ProfiledHopsPlaced: p.ProfiledHopsPlaced,
		},
		ANNAccuracy: w.Net.Accuracy(w.Test.Slice(0, o.Samples), 0),
	}
	test := w.Test.Slice(0, o.Samples)
	if p.Converted.Method == workloads.MethodExact {
		if r.QuantizedANNAccuracy, err = workloads.QuantizedAccuracy(conv.Net, test, o.Samples, 0); err != nil {
			return nil, err
		}
		r.QuantizedANN = "the integer network the chip runs: a_l = clamp(floor((Z_l + θ/2)/θ), 0, L)"
	} else if conv.WeightQuantized != nil {
		r.QuantizedANNAccuracy = conv.WeightQuantized.Accuracy(test, 0)
		r.QuantizedANN = fmt.Sprintf("the float ANN with the chip's %d-bit weights", o.Chip.WeightBits)
	}
	for l, ly := range conv.Net.Layers {
		r.Workload.Layers = append(r.Workload.Layers, ly.Name)
		lc := conv.Layers[l]
		r.Mapping = append(r.Mapping, LayerMap{Name: ly.Name, Kind: lc.Kind, Neurons: ly.Size, FanIn: conv.Net.In(l),
			Cores: len(mp.LayerCores[l]), Threshold: ly.Neuron.Threshold, Lambda: lc.Lambda, Levels: lc.Levels,
			WeightStep: lc.Scale, MaxWeight: lc.MaxWeight, Note: lc.Note})
	}
	total := o.Samples * len(o.Timesteps)
	for k, T := range o.Timesteps {
		so := SimOptions{Samples: o.Samples, Timesteps: T, Seed: o.Seed, Workers: o.Workers, Trace: o.TraceDir != "" && k == 0}
		if o.Progress != nil {
			base := k * o.Samples
			so.Progress = func(done int) { o.Progress(base+done, total) }
		}
		act, err := p.Simulate(ctx, so)
		if err != nil {
			return nil, err
		}
		if act.Trace != nil {
			if err := WriteTrace(o.TraceDir, act.Trace, p.Mapping, act.agg.sum.Cycles); err != nil {
				return nil, err
			}
		}
		run := act.Run(em)
		if x := act.Exact; x != nil {
			run.Exact = &ExactReport{Images: x.Images, ImagesExact: x.ImagesExact, ImagesQuiet: x.ImagesQuiet,
				NeuronMismatches: x.NeuronsWrong, TimestepsMean: float64(x.StepsSum) / float64(x.Images),
				TimestepsMax: x.StepsMax, FirstMismatch: x.FirstMismatch}
		}
		if o.EnergyOverride != "" {
			run.Energy.Model += " with " + o.EnergyOverride
		}
		r.Runs = append(r.Runs, run)
	}
	if o.Timings != nil {
		*o.Timings = Timings{Load: tLoad.Sub(t0), Convert: tConv.Sub(tLoad), Map: tMap.Sub(tConv), Simulate: time.Since(tMap)}
	}
	return r, nil
}

func conversionText(o Options, w *Workload, cv *workloads.Converted) string {
	if cv.Method == workloads.MethodExact {
		return "exact: QCFS activations onto bidirectional IF neurons (count in [0, L], start at θ/2), input presented once, each sample run until quiet"
	}
	per := "layer"
	if o.PerChannel {
		per = "channel"
	}
	return fmt.Sprintf("rate, threshold balancing per %s at the %gth percentile of %d calibration images, IF neurons with reset by subtraction", per, o.Percentile, w.Calib.N)
}

// aggregate sums per-sample results in sample order, so the totals are the
// same however the simulation was scheduled.
type aggregate struct {
	cores   []energy.Counts // per used core, summed over samples
	host    energy.Counts
	latency router.Histogram
	links   []uint64 // flits per mesh link
	layers  int
	n       int
	correct int
	sum     chip.Result
	stepMax uint64
}

func (a *aggregate) add(r *chip.Result, correct bool) {
	if a.sum.LayerSpikes == nil {
		a.sum.LayerSpikes = make([]uint64, a.layers)
		a.sum.LayerSynOps = make([]uint64, a.layers)
		a.sum.LayerActive = make([]uint64, a.layers)
	}
	a.n++
	if correct {
		a.correct++
	}
	if a.cores == nil {
		a.cores = make([]energy.Counts, len(r.CoreCounts))
	}
	for ci := range r.CoreCounts {
		a.cores[ci].Add(r.CoreCounts[ci])
	}
	a.host.Add(r.HostCounts)
	a.latency.Merge(r.Latency)
	if a.links == nil {
		a.links = make([]uint64, len(r.LinkFlits))
	}
	for i, f := range r.LinkFlits {
		a.links[i] += f
	}
	s := &a.sum
	s.Counts.Add(r.Counts)
	s.Mesh.Add(r.Mesh)
	for l := range a.layers {
		s.LayerSpikes[l] += r.LayerSpikes[l]
		s.LayerSynOps[l] += r.LayerSynOps[l]
		s.LayerActive[l] += r.LayerActive[l]
	}
	s.Cycles += r.Cycles
	s.ComputeCycles += r.ComputeCycles
	s.MeshCycles += r.MeshCycles
	s.DrainCycles += r.DrainCycles
	s.MeshLast += r.MeshLast
	s.Timesteps += r.Timesteps
	a.stepMax = max(a.stepMax, r.StepCyclesMax)
}

func (a *aggregate) run(T int, cc chip.Config, e energy.Model, mp *chip.Mapping, conv *workloads.Converted, annMACs uint64) Run {
	n := float64(a.n)
	s := &a.sum
	c := s.Counts
	steps := float64(s.Timesteps)
	run := Run{
		Timesteps:        T,
		SNNAccuracy:      float64(a.correct) / n,
		SynapticOps:      float64(c.SynapticOps) / n,
		EffectiveMACs:    float64(c.SynapticMACs) / n,
		NeuronUpdates:    float64(c.NeuronUpdates) / n,
		NeuronIdle:       float64(c.NeuronIdle) / n,
		SpikePackets:     float64(c.Packets) / n,
		HostPackets:      float64(c.HostPackets) / n,
		PacketHops:       float64(c.HopsX+c.HopsY) / n,
		PacketLatencyMax: s.Mesh.LatencyMax,
	}
	if s.Mesh.Packets > 0 {
		run.PacketLatencyAvg = float64(s.Mesh.LatencySum) / float64(s.Mesh.Packets)
	}
	run.PacketLatencyP50 = a.latency.Quantile(0.5)
	run.PacketLatencyP99 = a.latency.Quantile(0.99)
	run.BackPressureStalls = float64(s.Mesh.BackPressureStalls) / n
	if s.Cycles > 0 {
		// Utilization of a link: its flits over the flit slots of the whole
		// run (link width x cycles).
		width := float64(max(cc.LinkWidthFlits, 1))
		var sum, hi uint64
		for _, f := range a.links {
			sum += f
			hi = max(hi, f)
		}
		bw, bh := cc.BoardWidth(), cc.BoardHeight()
		links := float64(2 * ((bw-1)*bh + (bh-1)*bw)) // directed mesh links of the whole board
		if links > 0 {
			run.LinkUtilizationMean = float64(sum) / (links * width * float64(s.Cycles))
		}
		run.LinkUtilizationMax = float64(hi) / (width * float64(s.Cycles))
	}
	var spikes, neuronSteps float64
	for l, ly := range conv.Net.Layers {
		ns := float64(ly.Size) * steps / n // neuron-timesteps per inference
		sp := float64(s.LayerSpikes[l]) / n
		spikes += sp
		neuronSteps += ns
		run.Layers = append(run.Layers, LayerStat{
			Name: ly.Name, Neurons: ly.Size, SpikesPerSample: sp,
			FiringRate: sp / ns, ActivationSparsity: 1 - sp/ns,
			SynapticOps: float64(s.LayerSynOps[l]) / n,
		})
	}
	run.ActivationSparsity = 1 - spikes/neuronSteps
	cyclesPerInf := float64(s.Cycles) / n
	run.Timing = Timing{
		CyclesPerTimestepMean: float64(s.Cycles) / steps,
		CyclesPerTimestepMax:  a.stepMax,
		ComputeCyclesMean:     float64(s.ComputeCycles) / steps,
		MeshCyclesMean:        float64(s.MeshCycles) / steps,
		DrainCyclesMean:       float64(s.DrainCycles) / steps,
		BarrierCycles:         mp.BarrierCycles(),
		MeshLastFraction:      float64(s.MeshLast) / steps,
		LatencyUS:             cyclesPerInf / cc.ClockMHz,
	}
	// The timestep is compute + drain + barrier; whichever of the first two
	// contributes more cycles bounds it.
	run.Timing.Bound = "compute"
	if s.DrainCycles > s.ComputeCycles {
		run.Timing.Bound = "mesh"
	}
	seconds := run.Timing.LatencyUS * 1e-6 // simulated time per inference
	totalSeconds := float64(s.Cycles) / cc.ClockMHz * 1e-6
	const pJ2uJ = 1e-6
	perInf := func(b energy.Breakdown) EnergyParts {
		return EnergyParts{TotalUJ: b.TotalPJ / n * pJ2uJ, SynapticUJ: b.SynapticPJ / n * pJ2uJ,
			NeuronUJ: b.NeuronPJ / n * pJ2uJ, SpikeUJ: b.SpikePJ / n * pJ2uJ,
			MeshUJ: b.MeshPJ / n * pJ2uJ, StaticUJ: b.StaticPJ / n * pJ2uJ}
	}
	// The model is linear in the counts, so pricing the sums and dividing by
	// the number of inferences gives the mean energy per inference.
	bd := e.Estimate(c, totalSeconds, len(mp.Cores))
	run.Energy = Energy{
		Model:       e.Name,
		EnergyParts: perInf(bd),
		ANNPaperUJ:  e.ANNEnergyPJ(annMACs) * pJ2uJ,
		SNNPaperUJ:  e.SNNPaperEnergyPJ(c.SynapticOps, c.SynapticMACs) / n * pJ2uJ,
		PaperEMACPJ: e.MACPJ,
		PaperEACPJ:  e.ACPJ,
		// The same ANN on the same technology: one E_MAC per MAC plus reading
		// each weight (weight_bits wide) from synaptic memory once per MAC.
		ANNSameTechUJ: (float64(annMACs)*e.MACPJ + float64(annMACs)*float64(cc.WeightBits)*e.SynMemReadBitPJ) * pJ2uJ,
	}
	for _, comp := range bd.Components() {
		run.Energy.Components = append(run.Energy.Components, EnergyComponent{Group: comp.Group, Name: comp.Name, UJ: comp.PJ / n * pJ2uJ})
	}
	if run.Energy.ANNSameTechUJ > 0 {
		run.Energy.SNNToANNRatio = run.Energy.TotalUJ / run.Energy.ANNSameTechUJ
	}
	if seconds > 0 {
		run.Energy.PowerMW = run.Energy.TotalUJ * 1e-6 / seconds * 1e3
		run.Energy.InferencesPerSecond = 1 / seconds
	}
	run.Energy.EDPUJUS = run.Energy.TotalUJ * run.Timing.LatencyUS
	// Per layer and per core: each core's own events and its leakage; the
	// chip-wide part (host input, barriers, per-chip leakage) is its own row,
	// so the rows add up to the total.
	coreOnly, chipOnly := e, e
	coreOnly.StaticPerChipMW = 0
	chipOnly.StaticPerCoreMW = 0
	for l, ly := range conv.Net.Layers {
		var lc energy.Counts
		for _, ci := range mp.LayerCores[l] {
			lc.Add(a.cores[ci])
		}
		lb := coreOnly.Estimate(lc, totalSeconds, len(mp.LayerCores[l]))
		run.Energy.Layers = append(run.Energy.Layers, LayerEnergy{Name: ly.Name, Cores: len(mp.LayerCores[l]), EnergyParts: perInf(lb)})
	}
	for ci, cm := range mp.Cores {
		cb := coreOnly.Estimate(a.cores[ci], totalSeconds, 1)
		run.Energy.Cores = append(run.Energy.Cores, CoreEnergy{Core: cm.Core, Layer: conv.Net.Layers[cm.Layer].Name, X: cm.X, Y: cm.Y, TotalUJ: cb.TotalPJ / n * pJ2uJ})
	}
	chipCounts := a.host
	chipCounts.Barriers = c.Barriers
	run.Energy.Chip = perInf(chipOnly.Estimate(chipCounts, totalSeconds, 0))

	// NeuroBench metrics (definitions in docs/metrics.md).
	var weights, zeros, footprintBits int64
	var dense float64
	for l, ly := range conv.Net.Layers {
		// every synapse of the layer at every timestep of the inference
		dense += float64(conv.Net.Connections(l)) * steps / n
		ws := ly.Weights
		if ly.Conv != nil {
			ws = ly.Conv.Kernel
		}
		for _, w := range ws {
			weights++
			if w == 0 {
				zeros++
			}
		}
		// neuron state: a 32-bit membrane potential per neuron, a 32-bit bias
		// per neuron if the layer has biases, and a 32-bit threshold per layer.
		footprintBits += int64(ly.Size)*32 + 32
		if ly.Bias != nil {
			footprintBits += int64(ly.Size) * 32
		}
	}
	for _, cm := range mp.Cores {
		footprintBits += cm.SynMemBits
	}
	run.NeuroBench = NeuroBench{
		ActivationSparsity: run.ActivationSparsity,
		SynapticOperations: SynOps{Dense: dense, EffectiveMACs: run.EffectiveMACs, EffectiveACs: run.SynapticOps},
		FootprintBytes:     (footprintBits + 7) / 8,
		ConnectionSparsity: float64(zeros) / float64(weights),
		MembraneUpdates:    run.NeuronUpdates,
	}
	return run
}
