package workloads

import (
	"fmt"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
)

// A leak turns the IF neurons of rate conversion into leaky ones: each
// timestep the potential loses Leak/4096 of itself before the input is
// added. The chip model that does this is the Loihi-style CUBA LIF
// (neuron.LIF), which resets to zero, so a leaky conversion is an IF
// conversion with reset to zero whose neurons are LIF:
//
//	v = trunc(v·(4096 − Leak)/4096) + in + bias    (LIF with DecayU = 4096: u = in)
//	spike when v ≥ θ, i.e. v > θ − 1 (LIF fires on v > Threshold), then v = 0
//
// DecayU = 4096 clears the synaptic current every step, so the input acts
// within the step as it does for IF. The 12-bit resolution of the decay
// (1/4096) is Loihi's (Davies et al. 2018) and the neuron package's.

// ifNeuron is the neuron of a rate-converted weighted or average-pooling
// layer with integer threshold theta.
func (o ConvertOptions) ifNeuron(layer string, theta int32) (neuron.Params, error) {
	if o.Leak == 0 {
		return neuron.Params{Kind: o.Reset.kind(), Threshold: theta}, nil
	}
	if theta < 2 {
		return neuron.Params{}, fmt.Errorf("workloads: layer %s: threshold %d: a leaky (LIF) neuron fires on v > threshold-1, which needs a threshold >= 2", layer, theta)
	}
	if theta-1 > neuron.LIFStateMax-1 {
		return neuron.Params{}, fmt.Errorf("workloads: layer %s: threshold %d exceeds the LIF state range (%d) of a leaky neuron", layer, theta, neuron.LIFStateMax-1)
	}
	return neuron.Params{Kind: neuron.LIF, Threshold: theta - 1, DecayU: neuron.DecayMax, DecayV: o.Leak}, nil
}

// checkLeakInput refuses a leaky layer whose input in one step could
// leave the LIF's 24-bit current, which wraps (neuron package): the
// largest sum of |weight| into one neuron (dense: exact; convolution: the
// kernel's largest per output channel) times the largest input magnitude
// inMag (255 for graded input, else 1).
func (o ConvertOptions) checkLeakInput(ly *chip.Layer, inMag float64) error {
	if o.Leak == 0 || ly.Neuron.Kind != neuron.LIF {
		return nil
	}
	var worst int64
	switch {
	case ly.Conv != nil:
		cv := ly.Conv
		per := len(cv.Kernel) / max(cv.OutC, 1)
		for oc := range cv.OutC {
			var s int64
			for _, w := range cv.Kernel[oc*per : (oc+1)*per] {
				s += abs64(int64(w))
			}
			worst = max(worst, s)
		}
	default:
		in := len(ly.Weights) / max(ly.Size, 1)
		for j := range ly.Size {
			var s int64
			for a := range in {
				s += abs64(int64(ly.Weights[a*ly.Size+j]))
			}
			worst = max(worst, s)
		}
	}
	if bound := float64(worst) * inMag; bound > neuron.LIFStateMax {
		return fmt.Errorf("workloads: layer %s: one step's input can reach %.0f (sum of |weights| %d x input %g), beyond the %d a leaky (LIF) neuron's 24-bit current holds; use the rate encoder or no leak",
			ly.Name, bound, worst, inMag, neuron.LIFStateMax)
	}
	return nil
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// LeakDescribe is the neurons of a rate conversion with reset r and leak
// (1/4096 per timestep), in words, for reports.
func LeakDescribe(r ResetMode, leak uint16) string {
	if leak == 0 {
		return "IF neurons with " + r.Describe()
	}
	return fmt.Sprintf("leaky IF neurons as LIF (leak %d/4096 of v per timestep, reset to zero)", leak)
}
