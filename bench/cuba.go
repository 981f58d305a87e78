package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/internal/npyfile"
	"github.com/spikemesh/spikemesh/neuron"
)

// MaxCubaNeurons bounds params.json's N before anything is allocated:
// the chip indexes a population's neurons with int32 and a source's
// neurons below maxSourceSize; 1<<20 is far above the benchmark's 4000
// and refuses absurd values up front. Larger limits are checked by
// chip.Network.Validate.
const MaxCubaNeurons = 1 << 20

// maxParamsBytes bounds params.json (the peer writes about 400 bytes).
const maxParamsBytes = 1 << 16

// cubaParamsFile is params.json as the peer's cuba.py --export writes it
// (SI units). Pointers tell a missing field from a zero one.
type cubaParamsFile struct {
	N, NE                         *int
	Dt                            *float64 `json:"dt"`
	TauM                          *float64 `json:"taum"`
	TauE                          *float64 `json:"taue"`
	TauI                          *float64 `json:"taui"`
	Vt, Vr, El                    *float64
	We                            *float64 `json:"we"`
	Wi                            *float64 `json:"wi"`
	Refractory                    *float64 `json:"refractory"`
	Threshold, Reset, Integration *string
	Seed                          *int64 `json:"seed"`
}

// The model text the loader accepts: the neuron model QuantizeCUBA maps.
const (
	cubaThreshold   = "v > Vt"
	cubaReset       = "v = Vr"
	cubaIntegration = "exact"
)

// Cuba is the peer's CUBA network as the chip runs it: one population of
// lif-2syn neurons with two sparse recurrent projections, excitatory into
// port 0 and inhibitory into port 1, no host input, initial potentials
// from v0.npy.
type Cuba struct {
	Net   *chip.Network
	N, NE int     // neurons; the first NE are excitatory
	Dt    float64 // s, the time step of params.json
	Seed  int64   // the peer's seed (informational)
	Quant neuron.QuantizedCUBA
	// Fanout is each neuron's number of outgoing synapses (both lists):
	// the peer counts a spike of neuron i as Fanout[i] synaptic events.
	Fanout []int32
	// WeightE and WeightI are the quantized weights (mantissa << exponent,
	// state units) against the ideal Quant.WeightE and Quant.WeightI.
	WeightE, WeightI neuron.QuantizedWeights
}

// LoadCuba reads the export of ../shared/peers/cuba.py --export DIR:
// params.json, exc_pre.npy, exc_post.npy, inh_pre.npy, inh_post.npy
// (integer synapse lists, presynaptic -> postsynaptic) and v0.npy (initial
// potentials, V), and builds the chip network with weights quantized to
// weightBits. Every problem is one error naming the file and the field or
// element.
func LoadCuba(dir string, weightBits int) (*Cuba, error) {
	p, err := readCubaParams(filepath.Join(dir, "params.json"))
	if err != nil {
		return nil, err
	}
	c := &Cuba{N: *p.N, NE: *p.NE, Dt: *p.Dt}
	if p.Seed != nil {
		c.Seed = *p.Seed
	}
	c.Quant, err = neuron.QuantizeCUBA(neuron.CUBAParams{TauM: *p.TauM, TauE: *p.TauE, TauI: *p.TauI,
		El: *p.El, Vt: *p.Vt, Vr: *p.Vr, We: *p.We, Wi: *p.Wi, Refractory: *p.Refractory}, c.Dt)
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", filepath.Join(dir, "params.json"), err)
	}
	if c.WeightE, err = neuron.QuantizeWeights([]float64{c.Quant.WeightE}, weightBits); err != nil {
		return nil, fmt.Errorf("bench: excitatory weight we: %w", err)
	}
	if c.WeightI, err = neuron.QuantizeWeights([]float64{c.Quant.WeightI}, weightBits); err != nil {
		return nil, fmt.Errorf("bench: inhibitory weight wi: %w", err)
	}
	v0, err := readFloat64s(filepath.Join(dir, "v0.npy"), c.N)
	if err != nil {
		return nil, err
	}
	initV := make([]int32, c.N)
	for i, v := range v0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("bench: %s[%d] is %g, want a finite potential in volts", filepath.Join(dir, "v0.npy"), i, v)
		}
		if initV[i], err = c.Quant.StateFromVolts(v); err != nil {
			return nil, fmt.Errorf("bench: %s[%d]: %w", filepath.Join(dir, "v0.npy"), i, err)
		}
	}
	c.Fanout = make([]int32, c.N)
	exc, err := c.readSynapses(dir, "exc", c.WeightE)
	if err != nil {
		return nil, err
	}
	inh, err := c.readSynapses(dir, "inh", c.WeightI)
	if err != nil {
		return nil, err
	}
	bias := make([]int32, c.N)
	for i := range bias {
		bias[i] = c.Quant.Bias
	}
	c.Net = &chip.Network{Name: "cuba", InputGroups: []chip.InputGroup{},
		Layers: []chip.Layer{{Name: "P", Size: c.N, Neuron: c.Quant.Params, Bias: bias, InitV: initV}},
		Projections: []chip.Projection{
			{Name: "Ce", From: chip.Population(0), To: 0, Kind: chip.ProjSparse, Synapses: exc, WeightExp: c.WeightE.Exp, Port: 0},
			{Name: "Ci", From: chip.Population(0), To: 0, Kind: chip.ProjSparse, Synapses: inh, WeightExp: c.WeightI.Exp, Port: 1},
		}}
	if err := c.Net.Validate(weightBits); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", dir, err)
	}
	return c, nil
}

// readCubaParams reads and checks params.json: every numeric field
// present, no unknown field, the model text the chip implements.
func readCubaParams(name string) (*cubaParamsFile, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if st.Size() > maxParamsBytes {
		return nil, fmt.Errorf("bench: %s is %d bytes, limit is %d", name, st.Size(), maxParamsBytes)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var p cubaParamsFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", name, err)
	}
	for _, f := range []struct {
		key     string
		missing bool
	}{{"N", p.N == nil}, {"NE", p.NE == nil}, {"dt", p.Dt == nil}, {"taum", p.TauM == nil}, {"taue", p.TauE == nil},
		{"taui", p.TauI == nil}, {"Vt", p.Vt == nil}, {"Vr", p.Vr == nil}, {"El", p.El == nil}, {"we", p.We == nil},
		{"wi", p.Wi == nil}, {"refractory", p.Refractory == nil}} {
		if f.missing {
			return nil, fmt.Errorf("bench: %s: field %s is missing", name, f.key)
		}
	}
	if *p.N < 1 || *p.N > MaxCubaNeurons {
		return nil, fmt.Errorf("bench: %s: N is %d, must be in [1, %d]", name, *p.N, MaxCubaNeurons)
	}
	if *p.NE < 0 || *p.NE > *p.N {
		return nil, fmt.Errorf("bench: %s: NE is %d, must be in [0, N = %d]", name, *p.NE, *p.N)
	}
	for _, f := range []struct {
		key, want string
		got       *string
	}{{"threshold", cubaThreshold, p.Threshold}, {"reset", cubaReset, p.Reset}, {"integration", cubaIntegration, p.Integration}} {
		if f.got != nil && *f.got != f.want {
			return nil, fmt.Errorf("bench: %s: %s is %q, only %q is supported", name, f.key, *f.got, f.want)
		}
	}
	return &p, nil
}

// readSynapses reads <kind>_pre.npy and <kind>_post.npy (equal-length
// one-dimensional integer lists, every index in 0..N-1) into synapses of
// weight mantissa w.Mant[0], counting each neuron's fan-out.
func (c *Cuba) readSynapses(dir, kind string, w neuron.QuantizedWeights) ([]chip.Synapse, error) {
	preName := filepath.Join(dir, kind+"_pre.npy")
	postName := filepath.Join(dir, kind+"_post.npy")
	pre, err := readIndices(preName, c.N)
	if err != nil {
		return nil, err
	}
	post, err := readIndices(postName, c.N)
	if err != nil {
		return nil, err
	}
	if len(pre) != len(post) {
		return nil, fmt.Errorf("bench: %s has %d synapses, %s has %d", preName, len(pre), postName, len(post))
	}
	syn := make([]chip.Synapse, len(pre))
	for k := range pre {
		syn[k] = chip.Synapse{Pre: pre[k], Post: post[k], Weight: w.Mant[0]}
		c.Fanout[pre[k]]++
	}
	return syn, nil
}

// readIndices reads a one-dimensional int64 or int32 .npy file of neuron
// indices, each in 0..n-1.
func readIndices(name string, n int) ([]int32, error) {
	a, err := npyfile.ReadFile(name, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if len(a.Shape) != 1 {
		return nil, fmt.Errorf("bench: %s has shape %v, want one dimension (synapses)", name, a.Shape)
	}
	out := make([]int32, a.Len())
	check := func(k int, x int64) error {
		if x < 0 || x >= int64(n) {
			return fmt.Errorf("bench: %s[%d] is %d, outside the neurons 0..%d", name, k, x, n-1)
		}
		out[k] = int32(x)
		return nil
	}
	switch v := a.Data.(type) {
	case []int64:
		for k, x := range v {
			if err := check(k, x); err != nil {
				return nil, err
			}
		}
	case []int32:
		for k, x := range v {
			if err := check(k, int64(x)); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("bench: %s has dtype %s, want int64 or int32 neuron indices", name, a.DType)
	}
	return out, nil
}

// readFloat64s reads a one-dimensional float64 .npy file of length n.
func readFloat64s(name string, n int) ([]float64, error) {
	a, err := npyfile.ReadFile(name, MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	v, ok := a.Data.([]float64)
	if !ok {
		return nil, fmt.Errorf("bench: %s has dtype %s, want float64", name, a.DType)
	}
	if len(a.Shape) != 1 || len(v) != n {
		return nil, fmt.Errorf("bench: %s has shape %v, want (%d,) (N of params.json)", name, a.Shape, n)
	}
	return v, nil
}
