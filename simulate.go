package spikemesh

import (
	"context"
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/workloads"
)

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
	// Exact, in exact conversion, compares every neuron's count with the
	// quantized ANN's activation, image by image.
	Exact *ExactReport
	agg   aggregate
}

// Simulate runs the first o.Samples test images through the chip.
func (p *Prepared) Simulate(ctx context.Context, o SimOptions) (*Activity, error) {
	if err := p.Workload.CheckSamples(o.Samples); err != nil {
		return nil, err
	}
	return p.simulate(ctx, o)
}

// simulate is Simulate for a sample count already checked.
func (p *Prepared) simulate(ctx context.Context, o SimOptions) (*Activity, error) {
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
		a.Exact = &ExactReport{}
	}
	// Samples are independent: with several workers each simulates whole
	// samples on its own replica of the chip; results arrive in order.
	err = sim.RunSamples(ctx, chip.Samples{N: o.Samples, Timesteps: o.Timesteps, UntilQuiet: exact, InputSteps: 1,
		Stimulus: func(i int) chip.Stimulus { return p.Conversion.Encoder.NewStimulus(test.Image(i), o.Seed, i) },
		Each: func(i int, res chip.Result) error {
			if exact {
				workloads.QuantizedForward(p.Converted.Net, test.Image(i), qa)
				a.Exact.Add(&res, qa)
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

// Run prices the activity with an energy model and returns the per-
// inference report for it. Chip-dependent costs (generic-45nm's SRAM and
// multiplier scaling) are resolved for the prepared chip first, as Plan
// does; resolving an already resolved model changes nothing.
func (a *Activity) Run(e energy.Model) Run {
	c := a.Prepared.Chip
	// chip.Config.Validate keeps weight_bits in 2..8 and the synaptic memory
	// positive, the only arguments ForChip rejects.
	if r, err := e.ForChip(c.WeightBits, c.SynapseMemoryBytes); err == nil {
		e = r
	}
	return a.price(e)
}

// price is Run for a model already resolved for the chip.
func (a *Activity) price(e energy.Model) Run {
	run := a.agg.run(a.Options.Timesteps, a.Prepared, e)
	if a.Exact != nil {
		x := *a.Exact
		run.Exact = &x
	}
	return run
}
