package explore_test

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/explore"
)

// A space file read and checked: its grid, its parameters' values, one of
// its points, and its objectives, constraints and strategy.
func ExampleParseSpace() {
	s, err := explore.ParseSpace([]byte(`
workload: mnist-mlp
samples: 100
parameters:
  timesteps: {from: 8, to: 32, factor: 2}
  weight_bits: [4, 8]
  energy: [loihi, paper-45nm]
objectives: [maximize accuracy_pct, minimize energy_uj]
constraints: ["accuracy_pct >= 97 %"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("points:", s.Size())
	for _, p := range s.Params {
		var vals []string
		for i := range p.Values {
			vals = append(vals, p.Format(i))
		}
		fmt.Printf("%s: %s\n", p.Name, strings.Join(vals, ", "))
	}
	pt := s.PointAt(5)
	fmt.Println("point 5:", pt.Config.Timesteps, "timesteps,", pt.Config.Chip.WeightBits, "bits,", pt.Config.Energy.Name)
	fmt.Println(s.Objectives, s.Constraints, s.Strategy.Kind)
	// Output:
	// points: 12
	// timesteps: 8, 16, 32
	// weight_bits: 4, 8
	// energy: loihi, paper-45nm
	// point 5: 16 timesteps, 4 bits, paper-45nm
	// [maximize accuracy_pct minimize energy_uj] [accuracy_pct >= 97 %] grid
}
