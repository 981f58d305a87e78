package graphrun

import (
	"fmt"
	"slices"

	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
)

// FloatRef is the float reference of a graph on an input (snnref, the NIR
// semantics at the run's dt): spikes per population and the predicted
// class per sample. It does not depend on the chip (lowering for another
// chip changes only the chip's weights, not the populations or the float
// graph), so RunFloat computes it once and every Run with Options.Float
// reuses it. Read-only once made; safe to share between goroutines.
type FloatRef struct {
	graph  *nir.Graph
	input  *Input
	dt     float64
	n, T   int
	nodes  []string // population l's NIR node, as lowered
	spikes []uint64 // population l's spikes, summed over the samples
	pred   []int    // sample s's predicted class
}

// RunFloat runs only the float reference of o (o.Graph on o.Input, with
// o.DT, o.Timesteps and o.Samples as Run reads them; the chip fields are
// used only to lower the graph). Pass the result as Options.Float to runs
// on other chips.
func RunFloat(o Options) (*FloatRef, error) {
	n, T, err := sizes(&o)
	if err != nil {
		return nil, err
	}
	lw, err := nirconv.Lower(o.Graph, nirconv.LowerOptions{DT: o.DT, WeightBits: o.Chip.WeightBits})
	if err != nil {
		return nil, err
	}
	if got, want := o.Input.Channels, lw.Net.InputChannels(); got != want {
		return nil, channelsError(o.Input, lw, want)
	}
	fr, err := runFloat(lw, o.Input, n, T, nil)
	if err != nil {
		return nil, err
	}
	fr.graph = o.Graph
	return fr, nil
}

// check refuses a reference made for another graph, input or run length.
func (fr *FloatRef) check(o *Options, lw *nirconv.Lowered, n, T int) error {
	nodes := make([]string, len(lw.Populations))
	for l, p := range lw.Populations {
		nodes[l] = p.Node
	}
	if fr.graph != o.Graph || fr.input != o.Input || fr.dt != lw.DT || fr.n != n || fr.T != T || !slices.Equal(fr.nodes, nodes) {
		return fmt.Errorf("graphrun: Options.Float was computed for another graph, input, dt, timesteps or samples (%d samples of %d timesteps at dt %g s; this run: %d of %d at %g s)",
			fr.n, fr.T, fr.dt, n, T, lw.DT)
	}
	return nil
}
