package graphrun_test

import (
	"context"
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/energy"
	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/nir"
)

// ExampleRun drives Norse's LIF with one spike every 3rd step for 100
// steps, on the loihi preset and in float.
func ExampleRun() {
	g, err := nir.Read("../nir/testdata/lif_norse.nir", nir.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &graphrun.Input{Name: "every third step", Samples: 1, T: 100, Shape: []int{1}, Channels: 1,
		Data: make([]float64, 100), Scale: 1}
	for t := 0; t < 100; t += 3 {
		in.Data[t] = 1
	}
	cfg, _ := chip.Preset("loihi")
	e, _ := energy.Preset("loihi")
	rep, err := graphrun.Run(context.Background(), graphrun.Options{Graph: g, Input: in, Chip: cfg, Energy: e})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := rep.Populations[0]
	fmt.Printf("%s (%s): chip %g spikes, float %g spikes; agreement %g %%\n", p.Name, p.Type, p.ChipSpikes, p.FloatSpikes, rep.OutputAgreementPct)
	// Output:
	// 1 (LIF): chip 11 spikes, float 11 spikes; agreement 100 %
}
