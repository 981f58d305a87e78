package ann

import (
	"slices"
	"strings"
	"testing"
)

func forward1(t *testing.T, n *Net, x []float32) [][]float32 {
	t.Helper()
	ws, err := n.NewWorkspace(1)
	if err != nil {
		t.Fatal(err)
	}
	n.Forward(x, ws)
	return ws.Acts
}

// TestConvByHand: a 1x3x3 input, two 2x2 kernels, stride 1, padding 1,
// then both pools, worked out by hand.
func TestConvByHand(t *testing.T) {
	n := &Net{Input: Shape{1, 3, 3}, Layers: []Layer{
		{Kind: KindConv2D, Name: "c", Out: 2, Kernel: 2, Stride: 2, Pad: 1, Groups: 1,
			W: []float32{1, 0, 0, 1, 0, 1, -1, 0}, B: []float32{0, 0.5}},
		{Kind: KindAvgPool2D, Kernel: 2, Stride: 1},
		{Kind: KindFlatten},
	}}
	// Padded input (5x5 with a zero border) of x = 1..9; stride 2 windows
	// start at padded (0,0), (0,2), (2,0), (2,2).
	// Kernel 0 = [[1,0],[0,1]]: top-left + bottom-right of each window:
	//   (0,0): 0 + 1 = 1; (0,2): 0 + 3 = 3; (2,0): 0 + 7 = 7; (2,2): 5 + 9 = 14.
	// Kernel 1 = [[0,1],[-1,0]] + 0.5: top-right - bottom-left + .5:
	//   (0,0): 0 - 0 + .5 = .5; (0,2): 0 - 2 + .5 = -1.5; (2,0): 4 - 0 + .5 = 4.5; (2,2): 6 - 8 + .5 = -1.5.
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	acts := forward1(t, n, x)
	if want := []float32{1, 3, 7, 14, 0.5, -1.5, 4.5, -1.5}; !slices.Equal(acts[0], want) {
		t.Errorf("conv = %v, want %v", acts[0], want)
	}
	if want := []float32{6.25, 0.5}; !slices.Equal(acts[1], want) {
		t.Errorf("avgpool = %v, want %v", acts[1], want)
	}
	n.Layers[1].Kind = KindMaxPool2D
	acts = forward1(t, n, x)
	if want := []float32{14, 4.5}; !slices.Equal(acts[1], want) {
		t.Errorf("maxpool = %v, want %v", acts[1], want)
	}
	if got := n.MACs(); got != 2*4*4 {
		t.Errorf("MACs = %d, want 32", got)
	}
}

// TestPoolPadding: average pooling counts padding in the divisor, max
// pooling ignores it.
func TestPoolPadding(t *testing.T) {
	n := &Net{Input: Shape{1, 2, 2}, Layers: []Layer{{Kind: KindAvgPool2D, Kernel: 2, Stride: 2, Pad: 1}}}
	x := []float32{-4, 8, 12, -16}
	// Windows of the padded 4x4 each hold one input: avg = x/4.
	if got := forward1(t, n, x)[0]; !slices.Equal(got, []float32{-1, 2, 3, -4}) {
		t.Errorf("avgpool = %v", got)
	}
	n.Layers[0].Kind = KindMaxPool2D
	if got := forward1(t, n, x)[0]; !slices.Equal(got, x) {
		t.Errorf("maxpool = %v, want %v (padding must never win)", got, x)
	}
}

// TestQCFSByHand: L = 4, λ = 2, so steps of 0.5 and rounding half up.
func TestQCFSByHand(t *testing.T) {
	n := &Net{Input: Shape{9, 1, 1}, Layers: []Layer{{Kind: KindQCFS, Levels: 4, Lambda: 2}}}
	x := []float32{-1, 0, 0.2, 0.25, 0.7, 0.75, 1.3, 1.9, 5}
	// x*L/λ + 1/2 = 2x + .5: -1.5, .5, .9, 1, 1.9, 2, 3.1, 4.3, 10.5
	// floor, clamp [0,4]:      0, 0, 0, 1, 1, 2, 3, 4, 4  -> times 0.5
	want := []float32{0, 0, 0, 0.5, 0.5, 1, 1.5, 2, 2}
	if got := forward1(t, n, x)[0]; !slices.Equal(got, want) {
		t.Errorf("qcfs = %v, want %v", got, want)
	}
}

func TestAddLayer(t *testing.T) {
	n := &Net{Input: Shape{2, 1, 1}, Layers: []Layer{
		{Kind: KindDense, Name: "a", Out: 2, W: []float32{1, 0, 0, 1}},
		{Kind: KindReLU, Name: "r"},
		{Kind: KindDense, Name: "b", Out: 2, W: []float32{2, 0, 0, 2}, B: []float32{1, 1}},
		{Kind: KindAdd, From: "r"},
	}}
	// r = relu([3, -1]) = [3, 0]; b = [7, 1]; add = [10, 1].
	if got := forward1(t, n, []float32{3, -1})[3]; !slices.Equal(got, []float32{10, 1}) {
		t.Errorf("add = %v, want [10 1]", got)
	}
	n.Layers[3].From = "nope"
	if err := n.Validate(); err == nil || !strings.Contains(err.Error(), `from "nope" names no earlier layer`) {
		t.Errorf("bad from: %v", err)
	}
}

func TestNetValidateReportsAll(t *testing.T) {
	n := &Net{Name: "bad", Input: Shape{1, 4, 4}, Layers: []Layer{
		{Kind: KindConv2D, Name: "c", Out: 2, Kernel: 3, Stride: 1, Groups: 1, W: make([]float32, 17)},
		{Kind: KindQCFS, Levels: 0, Lambda: 1},
		{Kind: KindDense, Name: "d", Out: 3, W: make([]float32, 3*8)},
	}}
	err := n.Validate()
	for _, want := range []string{
		`layer 0 (conv2d "c"): weight has 17 elements, expected 2 x 1 x 3 x 3 = 18`,
		`layer 1 (qcfs ""): levels is 0`,
		`layer 2 (dense "d"): input shape is 2x2x2, dense needs a flat input`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v\nlacks %q", err, want)
		}
	}
}

// TestTrainNetDeterministic: same seed, same weights, whatever the workers;
// training lowers the loss.
func TestTrainNetDeterministic(t *testing.T) {
	s := tinySet(24)
	cfg := NetTrainConfig{Epochs: 3, BatchSize: 8, LR: 1e-2, Seed: 4, LambdaPercentile: 99}
	run := func(workers int) (*Net, []float64) {
		n := tinyCNN()
		if err := InitNet(n, 9); err != nil {
			t.Fatal(err)
		}
		cfg.Workers = workers
		var losses []float64
		if err := TrainNet(s, n, cfg, func(_ int, l float64) { losses = append(losses, l) }); err != nil {
			t.Fatal(err)
		}
		return n, losses
	}
	a, la := run(1)
	b, lb := run(3)
	for l := range a.Layers {
		if !equalF32(a.Layers[l].W, b.Layers[l].W) || !equalF32(a.Layers[l].B, b.Layers[l].B) || a.Layers[l].Lambda != b.Layers[l].Lambda {
			t.Fatalf("layer %d differs between 1 and 3 workers", l)
		}
	}
	if !slices.Equal(la, lb) || !(la[2] < la[0]) {
		t.Errorf("losses %v and %v: want equal and decreasing", la, lb)
	}
	if a.Layers[4].Lambda == 1 {
		t.Error("qcfs λ was not calibrated or trained")
	}
}

func TestTrainNetErrors(t *testing.T) {
	n := tinyCNN()
	if err := InitNet(n, 1); err != nil {
		t.Fatal(err)
	}
	if err := TrainNet(tinySet(4), n, NetTrainConfig{}, nil); err == nil || !strings.Contains(err.Error(), "epochs = 0") {
		t.Errorf("zero config: %v", err)
	}
	bad := tinySet(4)
	bad.Cols = 6
	if err := TrainNet(bad, n, DefaultNetTrainConfig(), nil); err == nil || !strings.Contains(err.Error(), "36 pixels") {
		t.Errorf("wrong image size: %v", err)
	}
}
