package nirconv

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

const exDT = 1e-4

// exRecurrentNet: input(4) -dense-> a (LIF, du 4096, dv 256, bias)
// -dense, delay 2-> b (CubaLIF du 1024, dv 512) with a sparse
// self-projection; b is the output.
func exRecurrentNet() *chip.Network {
	w1 := make([]int8, 4*3)
	for i := range w1 {
		w1[i] = int8(i*7%11 - 5)
	}
	w2 := make([]int8, 3*2)
	for i := range w2 {
		w2[i] = int8(20 - 9*i)
	}
	return &chip.Network{
		Name:        "rec",
		InputGroups: []chip.InputGroup{{Name: "in", Size: 4}},
		Layers: []chip.Layer{
			{Name: "a", Size: 3, Neuron: neuron.Params{Kind: neuron.LIF, Threshold: 100, DecayU: 4096, DecayV: 256}, Bias: []int32{3, -2, 0}},
			{Name: "b", Size: 2, Neuron: neuron.Params{Kind: neuron.LIF, Threshold: 1000, DecayU: 1024, DecayV: 512}},
		},
		Projections: []chip.Projection{
			{Name: "in_a", From: chip.Input(0), To: 0, Kind: chip.ProjDense, Weights: w1, WeightExp: 1},
			{Name: "a_b", From: chip.Population(0), To: 1, Kind: chip.ProjDense, Weights: w2, Delay: 2},
			{Name: "b_b", From: chip.Population(1), To: 1, Kind: chip.ProjSparse, Synapses: []chip.Synapse{{Pre: 0, Post: 1, Weight: -7}, {Pre: 1, Post: 0, Weight: 5}, {Pre: 1, Post: 0, Weight: 2}}},
		},
	}
}

// exExportRead exports net, writes it and reads it back through nir.Read,
// which checks shapes along every edge and that outputs are reachable.
func exExportRead(t *testing.T, net *chip.Network) *nir.Graph {
	t.Helper()
	g, err := FromChip(net, exDT)
	if err != nil {
		t.Fatalf("FromChip: %v", err)
	}
	path := filepath.Join(t.TempDir(), "net.nir")
	if err := nir.Write(path, g); err != nil {
		t.Fatalf("Write: %v", err)
	}
	back, err := nir.Read(path, nir.Options{Strict: true})
	if err != nil {
		t.Fatalf("Read(exported): %v", err)
	}
	return back
}

func exNode(t *testing.T, g *nir.Graph, name string, k nir.Kind) *nir.Node {
	t.Helper()
	n := g.Node(name)
	if n == nil || n.Kind != k {
		t.Fatalf("node %q: got %v, want a %s node", name, n, k)
	}
	return n
}

// lowered mirrors neuron.Quantize's formulas at Scale 1 (main's
// neuron/quantize.go): the integers a lowering gets back.
func exDecayOf(tau float64) int { return int(math.RoundToEven(4096 * exDT / tau)) }
func exRound(x float64) int     { return int(math.RoundToEven(x)) }
func exNear1(x float64) bool    { return math.Abs(x-1) < 1e-6 }
func exHasEdge(g *nir.Graph, s, d string) bool {
	for _, e := range g.Edges {
		if e.Src == s && e.Dst == d {
			return true
		}
	}
	return false
}

func TestFromChipRecurrent(t *testing.T) {
	g := exExportRead(t, exRecurrentNet())
	a := exNode(t, g, "a", nir.KindLIF).Params.(*nir.LIFParams)
	for i, want := range []int{3, -2, 0} {
		da := exDecayOf(a.Tau.Data[i])
		if da != 256 || !exNear1(float64(da)/4096*a.R.Data[i]) || exRound(float64(da)/4096*a.VLeak.Data[i]) != want || a.VThreshold.Data[i] != 100 || a.VReset.Data[i] != 0 {
			t.Errorf("a[%d]: tau %g r %g v_leak %g v_th %g lower to dv %d, gain %g, bias %d; want 256, 1, %d, 100",
				i, a.Tau.Data[i], a.R.Data[i], a.VLeak.Data[i], a.VThreshold.Data[i], da, float64(da)/4096*a.R.Data[i], exRound(float64(da)/4096*a.VLeak.Data[i]), want)
		}
	}
	b := exNode(t, g, "b", nir.KindCubaLIF).Params.(*nir.CubaLIFParams)
	du, dv := exDecayOf(b.TauSyn.Data[0]), exDecayOf(b.TauMem.Data[0])
	if du != 1024 || dv != 512 || !exNear1(float64(du)/4096*float64(dv)/4096*b.R.Data[0]*b.WIn.Data[0]) || b.VThreshold.Data[0] != 1000 {
		t.Errorf("b lowers to du %d dv %d gain %g threshold %g; want 1024, 512, 1, 1000", du, dv, float64(du)/4096*float64(dv)/4096*b.R.Data[0], b.VThreshold.Data[0])
	}
	// Weights: the integers x 2^WeightExp, NIR (out, in) order.
	w := exNode(t, g, "in_a", nir.KindLinear).Params.(*nir.LinearParams).Weight
	net := exRecurrentNet()
	for pre := 0; pre < 4; pre++ {
		for post := 0; post < 3; post++ {
			if got, want := w.Data[post*4+pre], float64(net.Projections[0].Weights[pre*3+post])*2; got != want {
				t.Errorf("in_a weight (%d,%d) = %g, want %g", post, pre, got, want)
			}
		}
	}
	if w.DType != nir.Float32 {
		t.Errorf("weights stored as %s, want float32", w.DType)
	}
	d := exNode(t, g, "a_b.delay", nir.KindDelay).Params.(*nir.DelayParams).Delay
	if exRound(d.Data[0]/exDT) != 2 {
		t.Errorf("delay %g s is not 2 steps of %g s", d.Data[0], exDT)
	}
	rec := exNode(t, g, "b_b", nir.KindLinear).Params.(*nir.LinearParams).Weight
	if rec.Data[0*2+1] != 7 || rec.Data[1*2+0] != -7 || rec.Data[0] != 0 {
		t.Errorf("sparse self-projection as dense (post, pre): %v, want [0 7 -7 0] (repeated pairs add)", rec.Data)
	}
	for _, e := range [][2]string{{"in", "in_a"}, {"in_a", "a"}, {"a", "a_b.delay"}, {"a_b.delay", "a_b"}, {"a_b", "b"}, {"b", "b_b"}, {"b_b", "b"}, {"b", "output"}} {
		if !exHasEdge(g, e[0], e[1]) {
			t.Errorf("missing edge %s -> %s", e[0], e[1])
		}
	}
}

// exConvNet: input 1x4x4 -conv 3x3 pad 1-> c (if-zero, 2x4x4, bias per
// channel) -dense-> s (if-subtract, bias) -> output.
func exConvNet() *chip.Network {
	k := make([]int8, 2*1*3*3)
	for i := range k {
		k[i] = int8(i%5 - 2)
	}
	bias := make([]int32, 32)
	for i := range bias {
		bias[i] = int32(i / 16 * 3)
	}
	w := make([]int8, 32*3)
	for i := range w {
		w[i] = int8(i%7 - 3)
	}
	return &chip.Network{
		Name:   "conv",
		Inputs: 16,
		Layers: []chip.Layer{
			{Name: "c", Size: 32, Neuron: neuron.Params{Kind: neuron.IFZero, Threshold: 5}, Bias: bias,
				Conv: &chip.Conv{InC: 1, InH: 4, InW: 4, OutC: 2, OutH: 4, OutW: 4, KH: 3, KW: 3, StrideH: 1, StrideW: 1,
					PadH: 1, PadW: 1, PadHEnd: 1, PadWEnd: 1, DilH: 1, DilW: 1, Groups: 1, Kernel: k}},
			{Name: "s", Size: 3, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 9}, Weights: w, Bias: []int32{1, 0, -1}},
		},
	}
}

func TestFromChipConvAndSubtract(t *testing.T) {
	net := exConvNet()
	g := exExportRead(t, net)
	if in := exNode(t, g, "input", nir.KindInput); !in.Out.Equal(nir.Shape{1, 4, 4}) {
		t.Errorf("input shape %s, want 1x4x4 (the convolution's input)", in.Out)
	}
	cw := exNode(t, g, "c.w", nir.KindConv2d).Params.(*nir.ConvParams)
	if cw.PadMode != nir.PadExplicit || cw.Padding[0] != 1 || cw.Padding[1] != 1 || !cw.Weight.Shape.Equal(nir.Shape{2, 1, 3, 3}) {
		t.Errorf("conv padding %s %v weight %s, want explicit [1 1], 2x1x3x3", cw.PadMode, cw.Padding, cw.Weight.Shape)
	}
	if cw.Bias.Data[0] != 0 || cw.Bias.Data[1] != 3 {
		t.Errorf("conv bias %v, want the population's per-channel bias [0 3]", cw.Bias.Data)
	}
	for i, k := range net.Layers[0].Conv.Kernel {
		if cw.Weight.Data[i] != float64(k) {
			t.Fatalf("kernel[%d] = %g, want %d", i, cw.Weight.Data[i], k)
		}
	}
	c := exNode(t, g, "c", nir.KindIF).Params.(*nir.IFParams)
	if c.VThreshold.Data[0] != 4 || c.R.Data[0] != 1 || c.VReset.Data[0] != 0 || !c.VThreshold.Shape.Equal(nir.Shape{2, 4, 4}) {
		t.Errorf("if-zero as IF: v_threshold %g (want threshold-1 = 4), r %g, v_reset %g, shape %s", c.VThreshold.Data[0], c.R.Data[0], c.VReset.Data[0], c.VThreshold.Shape)
	}
	exNode(t, g, "s.w.flatten", nir.KindFlatten)
	aff := exNode(t, g, "s.w", nir.KindAffine).Params.(*nir.AffineParams)
	if aff.Bias.Data[0] != 1 || aff.Bias.Data[2] != -1 {
		t.Errorf("Affine bias %v, want the population's bias [1 0 -1]", aff.Bias.Data)
	}
	for _, e := range [][2]string{{"c", "s.w.flatten"}, {"s.w.flatten", "s.w"}, {"s.w", "s.v"}, {"s.v", "s"}, {"s", "s.reset"}, {"s.reset", "s.v"}, {"s", "output"}} {
		if !exHasEdge(g, e[0], e[1]) {
			t.Errorf("missing edge %s -> %s", e[0], e[1])
		}
	}
}

// TestSubtractLoopExact runs the exported reset-by-subtraction pattern
// (I, Threshold, Scale; the Scale -> I edge closes the cycle, so it
// carries the previous step's value) with its written parameters against
// the chip's if-subtract neuron on random input: same spikes, every step.
// TestSubtractLoopFloat runs the same through the float reference.
func TestSubtractLoopExact(t *testing.T) {
	g := exExportRead(t, exConvNet())
	r := exNode(t, g, "s.v", nir.KindI).Params.(*nir.IParams).R.Data[0]
	th := exNode(t, g, "s", nir.KindThreshold).Params.(*nir.ThresholdParams).Threshold.Data[0]
	sc := exNode(t, g, "s.reset", nir.KindScale).Params.(*nir.ScaleParams).Scale.Data[0]
	if n := g.Node("s.delay"); n != nil {
		t.Fatalf("node s.delay (%s) in the loop: the recurrent edge already takes one step", n.Kind)
	}
	m, err := neuron.New(neuron.Params{Kind: neuron.IFSubtract, Threshold: 9}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	y, zPrev := 0.0, 0.0
	spikes := 0
	for step := 0; step < 2000; step++ {
		x := int32(rng.IntN(31) - 8)
		fired, _ := m.Step([]int32{x}, nil)
		y += r*float64(x) + sc*zPrev // I: v += r·input; input = x + Scale(z of the previous step)
		z := 0.0
		if y > th {
			z = 1
		}
		if (len(fired) == 1) != (z == 1) {
			t.Fatalf("step %d: chip fired %v, exported loop %v (y %g, threshold %g)", step, len(fired) == 1, z == 1, y, th)
		}
		spikes += len(fired)
		zPrev = z
	}
	if spikes == 0 {
		t.Fatal("no spikes in 2000 steps: the comparison tested nothing")
	}
}

func TestFromChipRefuses(t *testing.T) {
	mut := func(f func(n *chip.Network)) *chip.Network {
		n := exRecurrentNet()
		f(n)
		return n
	}
	cases := []struct {
		name string
		net  *chip.Network
		dt   float64
		want string
	}{
		{"nil", nil, exDT, "no network"},
		{"dt", exRecurrentNet(), 0, "dt (0 s) must be finite and > 0"},
		{"bif", mut(func(n *chip.Network) { n.Layers[1].Neuron = neuron.Params{Kind: neuron.BIF, Threshold: 2, Levels: 4} }), exDT, `population "b": neuron model bif`},
		{"refractory", mut(func(n *chip.Network) { n.Layers[0].Neuron.Refractory = 2 }), exDT, `population "a": neuron model lif: refractory period 2`},
		{"du 0", mut(func(n *chip.Network) { n.Layers[1].Neuron.DecayU = 0 }), exDT, "decay_u 0"},
		{"dv 0", mut(func(n *chip.Network) { n.Layers[1].Neuron.DecayV = 0 }), exDT, "decay_v 0 with decay_u 1024"},
		{"invalid", mut(func(n *chip.Network) { n.Projections[0].To = 7 }), exDT, "is not valid"},
		{"bias", &chip.Network{Name: "b", Inputs: 2, Layers: []chip.Layer{
			{Name: "a", Size: 2, Neuron: neuron.Params{Kind: neuron.IFZero, Threshold: 3}, Weights: []int8{1, 0, 0, 1}},
			{Name: "b", Size: 2, Neuron: neuron.Params{Kind: neuron.IFZero, Threshold: 3}, Bias: []int32{1, 1}}},
			Projections: []chip.Projection{{From: chip.Population(0), To: 1, Kind: chip.ProjOneToOne, Weights: []int8{2, 2}}},
		}, exDT, `population "b": its bias has no NIR form`},
	}
	for _, c := range cases {
		_, err := FromChip(c.net, c.dt)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", c.name, err, c.want)
		}
	}
	// Port 1 has no NIR form.
	n0 := exRecurrentNet()
	n0.Projections[2].Port = 1
	if _, err := FromChip(n0, exDT); err == nil || !strings.Contains(err.Error(), "port") {
		t.Errorf("port: error %v", err)
	}
	// Asymmetric padding that is not PyTorch's "same".
	n := exConvNet()
	cv := n.Layers[0].Conv
	cv.PadH, cv.PadHEnd, cv.OutH = 2, 0, 4
	n.Layers[0].Bias = nil
	if _, err := FromChip(n, exDT); err == nil || !strings.Contains(err.Error(), "asymmetric padding 2/0") {
		t.Errorf("asymmetric padding: error %v", err)
	}
}

// TestFromChipSamePadding: stride 1 with PyTorch's asymmetric "same"
// padding (even kernel: the extra row and column at the end) is written
// as "same"; a LIF without membrane leak (decay_v 0, decay_u 4096) as IF
// with its own strict threshold.
func TestFromChipSamePadding(t *testing.T) {
	n := exConvNet()
	cv := n.Layers[0].Conv
	cv.KH, cv.KW = 2, 2
	cv.PadH, cv.PadHEnd, cv.PadW, cv.PadWEnd = 0, 1, 0, 1
	cv.Kernel = cv.Kernel[:2*1*2*2]
	n.Layers[0].Neuron = neuron.Params{Kind: neuron.LIF, Threshold: 5, DecayU: 4096, DecayV: 0}
	g := exExportRead(t, n)
	if p := exNode(t, g, "c.w", nir.KindConv2d).Params.(*nir.ConvParams); p.PadMode != nir.PadSame {
		t.Errorf("padding mode %s, want same", p.PadMode)
	}
	if p := exNode(t, g, "c", nir.KindIF).Params.(*nir.IFParams); p.VThreshold.Data[0] != 5 {
		t.Errorf("v_threshold %g, want 5 (the chip LIF's strict threshold)", p.VThreshold.Data[0])
	}
}

// TestExportH5py runs nir/testdata/check_h5py.py (NIR's reader, mirrored
// with h5py) on the exported test networks. It needs /usr/bin/python3
// with h5py and skips otherwise.
func TestExportH5py(t *testing.T) {
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py, numpy").Run(); err != nil {
		t.Skipf("skipped: %s with h5py and numpy is not available (%v); install python3-h5py to run it", py, err)
	}
	dir := t.TempDir()
	var files []string
	for name, net := range map[string]*chip.Network{"rec.nir": exRecurrentNet(), "conv.nir": exConvNet()} {
		g, err := FromChip(net, exDT)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := nir.Write(p, g); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	out, err := exec.Command(py, append([]string{filepath.Join("..", "nir", "testdata", "check_h5py.py")}, files...)...).CombinedOutput()
	if err != nil || strings.Count(string(out), "ok ") != len(files) {
		t.Fatalf("check_h5py.py: %v\n%s", err, out)
	}
}

// TestSubtractLoopFloat runs an exported if-subtract population through
// the float reference (snnref, which gives the loop's closing edge one
// step, as Lower does) against the chip's neuron on the same integer
// input: the same spike at every step.
func TestSubtractLoopFloat(t *testing.T) {
	net := &chip.Network{
		Name:        "sub",
		InputGroups: []chip.InputGroup{{Name: "in", Size: 1, Graded: true}},
		Layers:      []chip.Layer{{Name: "s", Size: 1, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 9}}},
		Projections: []chip.Projection{{From: chip.Input(0), To: 0, Kind: chip.ProjOneToOne, Weights: []int8{1}}},
		Outputs:     []int{0},
	}
	fg, err := snnref.FromNIR(exExportRead(t, net), exDT)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := snnref.New(fg, neuron.FloatOptions{DT: exDT})
	if err != nil {
		t.Fatal(err)
	}
	m, err := neuron.New(net.Layers[0].Neuron, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	spikes := 0
	for step := range 2000 {
		x := int32(rng.IntN(31) - 8)
		fired, _ := m.Step([]int32{x}, nil)
		if err := sim.Step([][]float64{{float64(x)}}); err != nil {
			t.Fatal(err)
		}
		if got := sim.SpikeCounts("s")[0]; got != int64(spikes+len(fired)) {
			t.Fatalf("step %d: float has %d spikes so far, chip %d", step, got, spikes+len(fired))
		}
		spikes += len(fired)
	}
	if spikes == 0 {
		t.Fatal("no spikes in 2000 steps: the comparison tested nothing")
	}
}
