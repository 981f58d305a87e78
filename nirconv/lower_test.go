package nirconv

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/nir"
)

// Test graphs use IF neurons with r = 1 and v_threshold = 2^20, so the
// voltage scale S is 1 and every input gain is 1: the chip's weights are
// the float weights themselves, and integer weights that fit 8 bits must
// come through exactly.
func ifNode(name string, n int) *nir.Node {
	return &nir.Node{Name: name, Kind: nir.KindIF, In: nir.Shape{n}, Out: nir.Shape{n},
		Params: &nir.IFParams{R: scalar(1), VThreshold: scalar(1 << 20), VReset: scalar(0)}}
}

func scalar(x float64) nir.Tensor {
	return nir.Tensor{Shape: nir.Shape{}, Data: []float64{x}, DType: nir.Float32}
}

func tensor(shape nir.Shape, data []float64) nir.Tensor {
	return nir.Tensor{Shape: shape, Data: data, DType: nir.Float32}
}

func input(name string, s nir.Shape) *nir.Node {
	return &nir.Node{Name: name, Kind: nir.KindInput, In: s, Out: s, Params: &nir.IOParams{Shape: s}}
}

func output(name string, s nir.Shape) *nir.Node {
	return &nir.Node{Name: name, Kind: nir.KindOutput, In: s, Out: s, Params: &nir.IOParams{Shape: s}}
}

func graph(nodes []*nir.Node, edges ...string) *nir.Graph {
	g := &nir.Graph{Nodes: nodes}
	for _, e := range edges {
		a, b, _ := strings.Cut(e, ">")
		g.Edges = append(g.Edges, nir.Edge{Src: a, Dst: b})
	}
	return g
}

// randInts returns n integer weights in [-lo, hi], seeded.
func randInts(n int, rng *rand.Rand, lo, hi int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(rng.IntN(lo+hi+1) - lo)
	}
	return out
}

// naiveConv gathers a 2-D convolution output (PyTorch's definition,
// written from the output side, independently of geom.scatter).
func naiveConv(x []float64, inC, inH, inW int, w []float64, outC, kh, kw, sh, sw, padT, padL, dh, dw, groups, outH, outW int) []float64 {
	y := make([]float64, outC*outH*outW)
	icg, ocg := inC/groups, outC/groups
	for oc := range outC {
		g := oc / ocg
		for oy := range outH {
			for ox := range outW {
				s := 0.0
				for ci := range icg {
					for ky := range kh {
						for kx := range kw {
							iy, ix := oy*sh-padT+ky*dh, ox*sw-padL+kx*dw
							if iy < 0 || iy >= inH || ix < 0 || ix >= inW {
								continue
							}
							s += w[((oc*icg+ci)*kh+ky)*kw+kx] * x[((g*icg+ci)*inH+iy)*inW+ix]
						}
					}
				}
				y[(oc*outH+oy)*outW+ox] = s
			}
		}
	}
	return y
}

// TestCompositeChainExact: Conv2d ("same" padding with an even kernel,
// groups 2) -> SumPool2d -> Flatten -> Linear is lowered to one sparse
// projection whose weights equal the chain's composite map computed
// naively, element by element (integer weights, gain 1: exact).
func TestCompositeChainExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kw := randInts(4*1*2*2, rng, 1, 1)
	lin := randInts(3*64, rng, 1, 1)
	conv := &nir.Node{Name: "conv", Kind: nir.KindConv2d, In: nir.Shape{2, 5, 5}, Out: nir.Shape{4, 5, 5},
		Params: &nir.ConvParams{Dims: 2, Weight: tensor(nir.Shape{4, 1, 2, 2}, kw), Stride: []int{1, 1}, Dilation: []int{1, 1},
			Padding: []int{0, 0}, PadMode: nir.PadSame, Groups: 2}}
	pool := &nir.Node{Name: "pool", Kind: nir.KindSumPool2d, In: nir.Shape{4, 5, 5}, Out: nir.Shape{4, 4, 4},
		Params: &nir.PoolParams{Kernel: []int{2, 2}, Stride: []int{1, 1}, Padding: []int{0, 0}}}
	flat := &nir.Node{Name: "flat", Kind: nir.KindFlatten, In: nir.Shape{4, 4, 4}, Out: nir.Shape{64}, Params: &nir.FlattenParams{StartDim: 0, EndDim: -1}}
	linear := &nir.Node{Name: "lin", Kind: nir.KindLinear, In: nir.Shape{64}, Out: nir.Shape{3}, Params: &nir.LinearParams{Weight: tensor(nir.Shape{3, 64}, lin)}}
	g := graph([]*nir.Node{input("in", nir.Shape{2, 5, 5}), conv, pool, flat, linear, ifNode("if", 3), output("out", nir.Shape{3})},
		"in>conv", "conv>pool", "pool>flat", "flat>lin", "lin>if", "if>out")
	lw, err := Lower(g, LowerOptions{WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	if len(lw.Net.Projections) != 1 || lw.Net.Projections[0].Kind != chip.ProjSparse {
		t.Fatalf("projections %+v, want one sparse", lw.Net.Projections)
	}
	p := lw.Net.Projections[0]
	got := make([]float64, 50*3)
	for _, s := range p.Synapses {
		got[int(s.Pre)*3+int(s.Post)] += float64(int(s.Weight) << p.WeightExp)
	}
	for j := range 50 {
		x := make([]float64, 50)
		x[j] = 1
		// "same" with kernel 2: PyTorch pads 0 before, 1 after.
		c := naiveConv(x, 2, 5, 5, kw, 4, 2, 2, 1, 1, 0, 0, 1, 1, 2, 5, 5)
		pooled := naiveConv(c, 4, 5, 5, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 4, 2, 2, 1, 1, 0, 0, 1, 1, 4, 4, 4)
		for o := range 3 {
			want := 0.0
			for i, v := range pooled {
				want += lin[o*64+i] * v
			}
			if got[j*3+o] != want {
				t.Fatalf("input %d -> output %d: chip weight %g, composite %g", j, o, got[j*3+o], want)
			}
		}
	}
	if lw.Paths[0][1] != "conv" || len(lw.Paths[0]) != 6 {
		t.Errorf("path %v, want in conv pool flat lin if", lw.Paths[0])
	}
}

// TestNativeConvAndExactWeights: a single Conv2d (stride 2, dilation 2,
// padding 1) keeps its shared kernel as a chip.Conv whose taps equal the
// naive convolution, and integer Affine weights are kept exactly (scale 1,
// exponent 0), as an exporter writing the chip's own weights needs.
func TestNativeConvAndExactWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	kw := randInts(3*2*3*3, rng, 127, 127)
	aff := randInts(4*27, rng, 127, 127)
	conv := &nir.Node{Name: "conv", Kind: nir.KindConv2d, In: nir.Shape{2, 7, 7}, Out: nir.Shape{3, 3, 3},
		Params: &nir.ConvParams{Dims: 2, Weight: tensor(nir.Shape{3, 2, 3, 3}, kw), Stride: []int{2, 2}, Dilation: []int{2, 2},
			Padding: []int{1, 1}, Groups: 1}}
	flat := &nir.Node{Name: "flat", Kind: nir.KindFlatten, In: nir.Shape{3, 3, 3}, Out: nir.Shape{27}, Params: &nir.FlattenParams{StartDim: 0, EndDim: -1}}
	ifc := &nir.Node{Name: "ifc", Kind: nir.KindIF, In: nir.Shape{3, 3, 3}, Out: nir.Shape{3, 3, 3},
		Params: &nir.IFParams{R: scalar(1), VThreshold: scalar(1 << 20), VReset: scalar(0)}}
	affine := &nir.Node{Name: "aff", Kind: nir.KindAffine, In: nir.Shape{27}, Out: nir.Shape{4},
		Params: &nir.AffineParams{Weight: tensor(nir.Shape{4, 27}, aff), Bias: tensor(nir.Shape{4}, []float64{0, 5, 0, -3})}}
	g := graph([]*nir.Node{input("in", nir.Shape{2, 7, 7}), conv, ifc, flat, affine, ifNode("if", 4), output("out", nir.Shape{4})},
		"in>conv", "conv>ifc", "ifc>flat", "flat>aff", "aff>if", "if>out")
	lw, err := Lower(g, LowerOptions{WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	cp, dp := lw.Net.Projections[0], lw.Net.Projections[1]
	if cp.Kind != chip.ProjConv || dp.Kind != chip.ProjDense || cp.WeightExp != 0 || dp.WeightExp != 0 {
		t.Fatalf("kinds %s, %s, exponents %d, %d: want conv and dense with exponent 0", cp.Kind, dp.Kind, cp.WeightExp, dp.WeightExp)
	}
	for j := range 27 {
		want := make([]float64, 98)
		for i := range 98 {
			x := make([]float64, 98)
			x[i] = 1
			want[i] = naiveConv(x, 2, 7, 7, kw, 3, 3, 3, 2, 2, 1, 1, 2, 2, 1, 3, 3)[j]
		}
		got := make([]float64, 98)
		cp.Conv.Sources(j, func(src int, w int8) { got[src] += float64(w) })
		for i := range 98 {
			if got[i] != want[i] {
				t.Fatalf("neuron %d, source %d: chip %g, naive %g", j, i, got[i], want[i])
			}
		}
	}
	for post := range 4 {
		for pre := range 27 {
			if got, want := float64(dp.Weights[pre*4+post]), aff[post*27+pre]; got != want {
				t.Fatalf("dense weight %d->%d: %g, want %g exactly", pre, post, got, want)
			}
		}
	}
	if b := lw.Net.Layers[1].Bias; len(b) != 4 || b[1] != 5 || b[3] != -3 || b[0] != 0 {
		t.Errorf("bias %v, want [0 5 0 -3] (b·gain with gain 1)", b)
	}
}

// TestDelaysSplitProjections: a Delay whose elements differ becomes one
// sparse projection per delay; a uniform one sets Projection.Delay.
func TestDelaysSplitProjections(t *testing.T) {
	d := &nir.Node{Name: "d", Kind: nir.KindDelay, In: nir.Shape{3}, Out: nir.Shape{3},
		Params: &nir.DelayParams{Delay: tensor(nir.Shape{3}, []float64{1e-4, 3e-4, 1e-4})}}
	u := &nir.Node{Name: "u", Kind: nir.KindDelay, In: nir.Shape{3}, Out: nir.Shape{3},
		Params: &nir.DelayParams{Delay: tensor(nir.Shape{3}, []float64{5e-4, 5e-4, 5e-4})}}
	g := graph([]*nir.Node{input("in", nir.Shape{3}), d, u, ifNode("a", 3), ifNode("b", 3), output("out", nir.Shape{3})},
		"in>d", "d>a", "a>u", "u>b", "b>out")
	lw, err := Lower(g, LowerOptions{WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range lw.Net.Projections {
		got = append(got, p.Kind.String()+":"+string(rune('0'+p.Delay)))
	}
	if strings.Join(got, " ") != "sparse:1 sparse:3 one-to-one:5" {
		t.Errorf("projections %v, want sparse:1 sparse:3 one-to-one:5", got)
	}
	if lw.OutputLatency() != 1+1+1+5 {
		t.Errorf("output latency %d, want 8 (1+delay per projection)", lw.OutputLatency())
	}
}

// TestLowerErrors: each bad graph gives an error naming the node and why.
func TestLowerErrors(t *testing.T) {
	aff := func(name string, n int) *nir.Node {
		return &nir.Node{Name: name, Kind: nir.KindAffine, In: nir.Shape{n}, Out: nir.Shape{n},
			Params: &nir.AffineParams{Weight: tensor(nir.Shape{n, n}, make([]float64, n*n)), Bias: tensor(nir.Shape{n}, make([]float64, n))}}
	}
	cases := []struct {
		name string
		g    *nir.Graph
		want string
	}{
		{"algebraic loop", graph([]*nir.Node{input("in", nir.Shape{2}), aff("a", 2), aff("b", 2), ifNode("x", 2), output("out", nir.Shape{2})},
			"in>x", "x>a", "a>b", "b>a", "x>out"), "a -> b -> a: cycle with zero delay"},
		{"output after affine", graph([]*nir.Node{input("in", nir.Shape{2}), aff("a", 2), ifNode("x", 2), output("out", nir.Shape{2})},
			"in>x", "x>a", "a>out"), "node out (Output)"},
		{"no input path", graph([]*nir.Node{input("in", nir.Shape{2}), ifNode("x", 2), ifNode("y", 2), aff("a", 2), output("out", nir.Shape{2})},
			"in>x", "y>a", "a>y", "y>out"), "no path from input to output"},
		{"dt above tau", graph([]*nir.Node{input("in", nir.Shape{1}), {Name: "lif", Kind: nir.KindLIF, In: nir.Shape{1}, Out: nir.Shape{1},
			Params: &nir.LIFParams{Tau: scalar(1e-5), R: scalar(1), VLeak: scalar(0), VThreshold: scalar(1), VReset: scalar(0)}}, output("out", nir.Shape{1})},
			"in>lif", "lif>out"), "node lif"},
		{"delay beyond the chip", graph([]*nir.Node{input("in", nir.Shape{1}), {Name: "d", Kind: nir.KindDelay, In: nir.Shape{1}, Out: nir.Shape{1},
			Params: &nir.DelayParams{Delay: scalar(0.1)}}, ifNode("x", 1), output("out", nir.Shape{1})},
			"in>d", "d>x", "x>out"), "field delay"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Lower(c.g, LowerOptions{WeightBits: 8})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestScaleShrinksForWideWeights: weights far above the threshold (as
// snnTorch's Braille export has) halve the population's scale until the
// largest weight fits the chip's exponent, instead of failing.
func TestScaleShrinksForWideWeights(t *testing.T) {
	big := &nir.Node{Name: "a", Kind: nir.KindLinear, In: nir.Shape{1}, Out: nir.Shape{1},
		Params: &nir.LinearParams{Weight: tensor(nir.Shape{1, 1}, []float64{100})}}
	n := ifNode("x", 1)
	n.Params = &nir.IFParams{R: scalar(1), VThreshold: scalar(1), VReset: scalar(0)}
	g := graph([]*nir.Node{input("in", nir.Shape{1}), big, n, output("out", nir.Shape{1})}, "in>a", "a>x", "x>out")
	lw, err := Lower(g, LowerOptions{WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	p, ly := lw.Net.Projections[0], lw.Net.Layers[0]
	// 100 thresholds must still be 100 thresholds.
	if w := float64(int(p.Weights[0]) << p.WeightExp); w/float64(ly.Neuron.Threshold) < 99 || w/float64(ly.Neuron.Threshold) > 101 || p.WeightExp > chip.MaxWeightExp {
		t.Errorf("weight %d·2^%d, threshold %d: ratio %g, want 100", p.Weights[0], p.WeightExp, ly.Neuron.Threshold, w/float64(ly.Neuron.Threshold))
	}
}
