package explore

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
)

// MackeyGlass is the workload of a space that sweeps the built-in
// Mackey-Glass regressor (workload: mackey-glass; docs/explore.md
// "Sweeping Mackey-Glass"): NeuroBench's task. Its series is generated
// once per sweep, when the first point needs it (evaluator.mgSeries), so
// that parsing a space stays cheap.
// Each point retrains the recipe (mackeyglass.TrainRecipe) for its hidden
// size and timesteps per value, then runs it on its chip and in float over
// the train and test steps and scores the test steps, as spikemesh run
// --model mackey-glass does for the committed model.
type MackeyGlass struct {
	Task mackeyglass.Task
}

// Values is the number of series values the model sees (x_0 .. x_{P−2}),
// one prediction each.
func (m *MackeyGlass) Values() int { return m.Task.Points() - 1 }

// loadMackeyGlass checks the task and sets the base
// configuration's workload fields: the committed recipe (hidden
// mackeyglass.Neurons, one timestep per value), one sample (the series),
// timesteps the number of series values; no conversion, no rate coder.
func loadMackeyGlass(samples int, pc *PointConfig) (*MackeyGlass, []error) {
	var errs []error
	if samples != 0 && samples != 1 {
		errs = append(errs, fmt.Errorf("samples is %d; %s has one sample, its series (omit samples)", samples, mackeyglass.Name))
	}
	k := mackeyglass.NeuroBench()
	if err := k.Validate(); err != nil {
		return nil, append(errs, err)
	}
	m := &MackeyGlass{Task: k}
	r := mackeyglass.DefaultRecipe()
	pc.Workload, pc.Samples, pc.Timesteps = mackeyglass.Name, 1, m.Values()
	pc.Hidden, pc.StepsPerValue = r.Neurons, r.Hold
	pc.Method, pc.Percentile, pc.Encoder, pc.Seed = 0, 0, 0, 0
	return m, errs
}

// recipe is the point's training recipe.
func (pc *PointConfig) recipe() mackeyglass.Recipe {
	return mackeyglass.Recipe{Neurons: pc.Hidden, Hold: pc.StepsPerValue}
}

// workloadParamError refuses parameters that mean nothing for the space's
// workload: the Mackey-Glass recipe's (hidden, steps_per_value) anywhere
// else, and for Mackey-Glass the conversion's (its model is trained
// directly), the rate coder's seed and timesteps (the series fixes the run
// length; steps_per_value sets the timesteps per value).
func (s *Space) workloadParamError(def *paramDef) error {
	switch {
	case s.MG == nil && def.group == "workload":
		return fmt.Errorf("parameter %s is a setting of the %s workload's recipe; this space's workload is %s", def.name, mackeyglass.Name, s.Base.Workload)
	case s.MG == nil:
		return nil
	case def.group == "conversion":
		return fmt.Errorf("parameter %s is a conversion setting of the built-in ANN workloads; %s is trained as a spiking network", def.name, mackeyglass.Name)
	case def.name == "seed":
		return fmt.Errorf("parameter seed sets the rate coder of the built-in ANN workloads; %s's input is the series as currents", mackeyglass.Name)
	case def.name == "timesteps":
		return fmt.Errorf("parameter timesteps: %s runs its whole series (%d values); vary steps_per_value, the chip timesteps per value", mackeyglass.Name, s.MG.Values())
	}
	return nil
}
