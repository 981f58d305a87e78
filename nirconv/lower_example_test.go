package nirconv_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
)

// ExampleLower lowers Norse's exported Affine → LIF graph onto a chip with
// 8-bit weights and maps it onto the loihi preset.
func ExampleLower() {
	g, err := nir.Read("../nir/testdata/lif_norse.nir", nir.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	lw, err := nirconv.Lower(g, nirconv.LowerOptions{DT: 1e-4, WeightBits: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	ly, p := lw.Net.Layers[0], lw.Net.Projections[0]
	fmt.Printf("population %s: %s, threshold %d, scale %g\n", ly.Name, ly.Neuron.Kind, ly.Neuron.Threshold, lw.Populations[0].Scale)
	fmt.Printf("projection %s: %s, weight %d·2^%d, delay %d\n", p.Name, p.Kind, p.Weights[0], p.WeightExp, p.Delay)
	cfg, _ := chip.Preset("loihi")
	m, err := chip.Map(lw.Net, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cores used: %d, outputs %v\n", len(m.Cores), lw.Outputs)
	// Output:
	// population 1: lif, threshold 838861, scale 8.388608e+06
	// projection input->0->1: dense, weight 82·2^12, delay 0
	// cores used: 1, outputs [output]
}
