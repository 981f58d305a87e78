package graphrun

import (
	"github.com/spikemesh/spikemesh/internal/provenance"

	"context"
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
	"github.com/spikemesh/spikemesh/snnref"
	"github.com/spikemesh/spikemesh/trace"
)

// Options select what Run runs.
type Options struct {
	Graph     *nir.Graph // as nir.Read returns it
	Model     string     // name for the report (the file)
	Input     *Input
	Chip      chip.Config
	ChipName  string // preset name or file, for the report
	Energy    energy.Model
	DT        float64 // s; 0 = nirconv.DefaultDT
	Timesteps int     // input timesteps per sample; 0 = the input's T (at most T)
	Samples   int     // 0 = every sample of the input
	Workers   int     // <= 0: GOMAXPROCS; never changes results
	// TraceDir, if set, receives the chip's per-timestep trace summed over
	// the samples (package trace, as spikemesh run --trace writes it for
	// the built-in models).
	TraceDir string
	// InputRateHz, if > 0, is the rate at which a stream delivers input
	// timesteps: the report's Streaming section then says whether the
	// chip keeps up (sequences only, T > 1). 0 = not given.
	InputRateHz float64
	// Regression, if set, scores the outputs as per-step predictions of
	// real values (the report's Regression section).
	Regression *Regression
	// Float, if set, is the float reference RunFloat computed for the same
	// Graph, Input, DT, Timesteps and Samples; Run then simulates only the
	// chip. A sweep over chips (package explore) computes it once.
	Float *FloatRef
}

// Run lowers the graph for the chip, maps it, simulates every sample on
// the chip and in float (snnref, the reference numerics) and reports the
// drift between them, the accuracy when the input has labels, and energy
// and latency per sample.
//
// Timing: the float reference evaluates feed-forward edges within a step,
// the chip takes one timestep per projection (plus its delay). Each sample
// presents its T input frames at timesteps 0..T-1 in both; the float
// reference runs T steps and the chip T + the output populations' latency
// (Lowered.OutputLatency), so the chip's outputs see every frame the
// float's do.
//
// An error from mapping on is a *StageError: StageOf(err) tells whether
// the network was mapped and the chip ran (explore counts them).
func Run(ctx context.Context, o Options) (*Report, error) {
	in := o.Input
	n, T, err := sizes(&o)
	if err != nil {
		return nil, err
	}
	if err := checkInputRate(o.InputRateHz, T); err != nil {
		return nil, err
	}
	var scales []float64
	if in.Encoding != Spikes {
		for range o.Graph.NodesOf(nir.KindInput) {
			scales = append(scales, in.Scale)
		}
	}
	lw, err := nirconv.Lower(o.Graph, nirconv.LowerOptions{DT: o.DT, WeightBits: o.Chip.WeightBits, InputScale: scales})
	if err != nil {
		return nil, err
	}
	if got, want := in.Channels, lw.Net.InputChannels(); got != want {
		return nil, channelsError(in, lw, want)
	}
	if err := checkLabels(in, lw, n); err != nil {
		return nil, err
	}
	m, err := chip.Map(lw.Net, o.Chip)
	if err != nil {
		return nil, &StageError{StageMap, err}
	}
	rep := newReport(&o, lw, m, n, T)
	if o.Regression != nil {
		outputs, err := checkRegression(o.Regression, in, lw, T)
		if err != nil {
			return nil, &StageError{StageReference, err}
		}
		rep.Regression = newRegressionReport(o.Regression, outputs, n)
	}
	fr := o.Float
	switch {
	case fr == nil:
		var rec func(s, t int, vals []float64)
		if rep.Regression != nil {
			rec = rep.Regression.floatStep
		}
		if fr, err = runFloat(lw, in, n, T, rec); err != nil {
			return nil, &StageError{StageReference, err}
		}
	case o.Regression != nil:
		return nil, &StageError{StageReference, fmt.Errorf("graphrun: Options.Float holds no per-step outputs; a run with Options.Regression computes its own float reference")}
	default:
		if err := fr.check(&o, lw, n, T); err != nil {
			return nil, &StageError{StageReference, err}
		}
	}
	for l := range rep.Populations {
		rep.Populations[l].float = fr.spikes[l]
	}
	copy(rep.floatPred, fr.pred)
	if err := runChip(ctx, &o, lw, m, n, T, rep); err != nil {
		return nil, &StageError{StageSimulate, err}
	}
	rep.finish()
	if rep.Regression != nil {
		rep.Regression.finish(o.Regression, n, in.T)
	}
	return rep, nil
}

// sizes returns the samples and timesteps o runs.
func sizes(o *Options) (n, T int, err error) {
	in := o.Input
	T = o.Timesteps
	if T == 0 {
		T = in.T
	}
	if T < 1 || T > in.T {
		return 0, 0, fmt.Errorf("graphrun: timesteps is %d, must be in 1..%d (the input's T)", T, in.T)
	}
	n = o.Samples
	if n == 0 {
		n = in.Samples
	}
	if n < 1 || n > in.Samples {
		return 0, 0, fmt.Errorf("graphrun: samples is %d, must be in 1..%d (the input has %d)", n, in.Samples, in.Samples)
	}
	return n, T, nil
}

func channelsError(in *Input, lw *nirconv.Lowered, want int) error {
	return fmt.Errorf("graphrun: input %s: field data: %d channels per timestep (shape %v); the graph's Input nodes %v take %d", in.Name, in.Channels, in.Shape, lw.Inputs, want)
}

// stimulus presents one sample's frames as host events.
type stimulus struct {
	in   *Input
	s, T int
}

func (st stimulus) Events(t int, dst []chip.InputEvent) []chip.InputEvent {
	if t >= st.T {
		return dst
	}
	for c := range st.in.Channels {
		x := st.in.At(st.s, t, c)
		if x == 0 {
			continue
		}
		mag := st.in.Magnitude(x)
		if mag == 0 {
			continue // a current below half a magnitude step
		}
		dst = append(dst, chip.InputEvent{Channel: int32(c), Magnitude: mag})
	}
	return dst
}

// runChip simulates the samples on the chip and fills the chip side.
func runChip(ctx context.Context, o *Options, lw *nirconv.Lowered, m *chip.Mapping, n, T int, rep *Report) error {
	sim, err := chip.NewSimulator(m, o.Workers)
	if err != nil {
		return err
	}
	sim.EnableNeuronCounts()
	if rep.Regression != nil {
		sim.EnableStepScores()
	}
	var tr *chip.Trace
	if o.TraceDir != "" {
		tr = sim.EnableTrace(rep.ChipTimesteps)
	}
	e := o.Energy
	if r, err := e.ForChip(o.Chip.WeightBits, o.Chip.SynapseMemoryBytes); err == nil {
		e = r
	}
	e.StaticPerChipMW *= float64(o.Chip.Chips()) // every chip of a board leaks
	var counts energy.Counts
	var cycles, worstStep uint64
	var split chip.SplitCounts
	err = sim.RunSamples(ctx, chip.Samples{N: n, Timesteps: rep.ChipTimesteps,
		Stimulus: func(i int) chip.Stimulus { return stimulus{in: o.Input, s: i, T: T} },
		Each: func(i int, r chip.Result) error {
			for l := range rep.Populations {
				rep.Populations[l].chip += r.LayerSpikes[l]
			}
			rep.chipPred[i] = predict(lw, r.NeuronCounts, r.Scores)
			if rep.Regression != nil {
				rep.Regression.chipStep(lw, i, r.StepScores)
			}
			counts.Add(r.Counts)
			split.Add(r.Split)
			cycles += r.Cycles
			worstStep = max(worstStep, r.StepCyclesMax)
			return nil
		}})
	if err != nil {
		return err
	}
	if tr != nil {
		if err := trace.Write(o.TraceDir, tr, m, cycles); err != nil {
			return err
		}
	}
	seconds := float64(cycles) / o.Chip.ClockMHz * 1e-6
	bd := e.Estimate(counts, seconds, len(m.Cores))
	nf := float64(n)
	rep.EnergyUJ = bd.TotalPJ / nf * 1e-6
	for _, c := range bd.Components() {
		rep.EnergyParts = append(rep.EnergyParts, EnergyPart{Group: c.Group, Name: c.Name, UJ: c.PJ / nf * 1e-6})
	}
	rep.LatencyUS = float64(cycles) / nf / o.Chip.ClockMHz
	rep.CyclesPerTimestep = float64(cycles) / nf / float64(rep.ChipTimesteps)
	if T > 1 {
		rep.Streaming = newStreaming(cycles, worstStep, n, rep.ChipTimesteps, o.Chip.ClockMHz, o.InputRateHz)
	}
	rep.SynapticOps = float64(counts.SynapticOps) / nf
	rep.SpikePackets = float64(counts.Packets) / nf
	rep.FanInSplit = fanInSplit(m, split, n, e, o.Chip.ClockMHz)
	pv, err := provenance.New(o.Chip, e)
	if err != nil {
		return err
	}
	rep.Provenance.ChipConfig, rep.Provenance.EnergyConfig = pv.ChipConfig, pv.EnergyConfig
	return nil
}

// predict returns the predicted class: the index over the output
// populations (concatenated) of the most spikes, or for populations that
// never fire (LI, CubaLI, I readouts) the largest final voltage (Scores
// holds it for them, since their threshold is 0). Ties go to the lowest
// index.
func predict(lw *nirconv.Lowered, neuronCounts [][]int32, scores []int64) int {
	best, bestV, k := -1, 0.0, 0
	off := 0
	for _, l := range lw.Net.Outputs {
		size := lw.Net.Layers[l].Size
		for j := range size {
			var v float64
			if lw.Populations[l].Fires {
				v = float64(neuronCounts[l][j])
			} else {
				v = float64(scores[off+j]) / lw.Populations[l].Scale
			}
			if best < 0 || v > bestV {
				best, bestV = k, v
			}
			k++
		}
		off += size
	}
	return best
}

// runFloat simulates the samples in float64 with snnref.
// rec, if not nil, receives the output populations' values after every
// step (a regression's float predictions).
func runFloat(lw *nirconv.Lowered, in *Input, n, T int, rec func(s, t int, vals []float64)) (*FloatRef, error) {
	g, err := snnref.FromNIR(lw.Flat, lw.DT)
	if err != nil {
		return nil, err
	}
	sim, err := snnref.New(g, neuron.FloatOptions{DT: lw.DT})
	if err != nil {
		return nil, err
	}
	fr := &FloatRef{input: in, dt: lw.DT, n: n, T: T, spikes: make([]uint64, len(lw.Populations)), pred: make([]int, n)}
	for _, p := range lw.Populations {
		fr.nodes = append(fr.nodes, p.Node)
	}
	frames := make([][]float64, len(lw.Inputs))
	for gi := range frames {
		frames[gi] = make([]float64, lw.Net.InputGroups[gi].Size)
	}
	for s := range n {
		sim.Reset()
		sim.ResetCounts()
		for t := range T {
			c := 0
			for _, f := range frames {
				for j := range f {
					f[j] = in.At(s, t, c)
					c++
				}
			}
			if err := sim.Step(frames); err != nil {
				return nil, err
			}
			if rec != nil {
				rec(s, t, floatOutputs(lw, sim))
			}
		}
		best, bestV, k := -1, 0.0, 0
		for l := range lw.Populations {
			for _, c := range sim.SpikeCounts(lw.Populations[l].Node) {
				fr.spikes[l] += uint64(c)
			}
		}
		for _, l := range lw.Net.Outputs {
			p := &lw.Populations[l]
			vals := sim.Output(p.Node)
			if p.Fires {
				cs := sim.SpikeCounts(p.Node)
				vals = make([]float64, len(cs))
				for j, c := range cs {
					vals[j] = float64(c)
				}
			}
			for _, v := range vals {
				if best < 0 || v > bestV {
					best, bestV = k, v
				}
				k++
			}
		}
		fr.pred[s] = best
	}
	return fr, nil
}

// floatOutputs returns the output populations' voltages (the float
// reference's outputs), concatenated.
func floatOutputs(lw *nirconv.Lowered, sim *snnref.Sim) []float64 {
	var out []float64
	for _, l := range lw.Net.Outputs {
		out = append(out, sim.Output(lw.Populations[l].Node)...)
	}
	return out
}

// checkLabels refuses labels the graph cannot predict: a class is an
// output neuron (the output populations' neurons concatenated), so every
// label of the n samples run must be below their number.
func checkLabels(in *Input, lw *nirconv.Lowered, n int) error {
	if in.Labels == nil {
		return nil
	}
	outputs := 0
	for _, l := range lw.Net.Outputs {
		outputs += lw.Net.Layers[l].Size
	}
	for s, y := range in.Labels[:n] {
		if y >= outputs {
			return fmt.Errorf("graphrun: input %s: field labels: label %d of sample %d, the graph has %d output neurons (labels 0..%d)", in.Name, y, s, outputs, outputs-1)
		}
	}
	return nil
}
