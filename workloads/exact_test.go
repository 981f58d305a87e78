package workloads

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// tinyCNN: 1x2x2 input, 1x1 conv to 2 channels, activation, 2x2 average
// pooling, flatten, dense 2 -> 2. act is relu or qcfs(L=4, λ=1).
func tinyCNN(act ann.Layer) *ann.Net {
	return &ann.Net{Name: "tiny-cnn", Input: ann.Shape{C: 1, H: 2, W: 2}, Layers: []ann.Layer{
		{Kind: ann.KindConv2D, Name: "c", Out: 2, Kernel: 1, Stride: 1, Groups: 1, W: []float32{0.5, -0.25}, B: []float32{0.1, 0}},
		act,
		{Kind: ann.KindAvgPool2D, Name: "p", Kernel: 2, Stride: 2},
		{Kind: ann.KindFlatten},
		{Kind: ann.KindDense, Name: "fc", Out: 2, W: []float32{1, -1, 0.5, 0.5}, B: []float32{0, 0.2}},
	}}
}

// fullImage: one calibration image of four 255 pixels.
func fullImage() *mnist.Set {
	return &mnist.Set{Images: []uint8{255, 255, 255, 255}, Labels: []uint8{0}, N: 1, Rows: 2, Cols: 2}
}

func near(got []float32, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if d := float64(got[i]) - want[i]; d > 1e-6 || d < -1e-6 {
			return false
		}
	}
	return true
}

func TestConvertCNNRateByHand(t *testing.T) {
	// conv: channel 0 = 0.5 + 0.1 = 0.6 everywhere, channel 1 = -0.25 -> 0.
	// λ_c = 0.6: W' = [0.8333, -0.4167], step 0.8333/127, q = [127, -64]
	// (-63.5 rounds away from zero), θ = round(152.4) = 152, bias
	// round(0.1/0.6 * 152.4) = 25 on channel 0's four neurons.
	// pool: depthwise 2x2 of ones, θ = 4.
	// fc: logits [0.6, 0.5], λ = 0.6; W' = W, step 1/127, q = [[127, -127],
	// [64, 64]] (chip layout In x Out: [127 64 -127 64]), θ = 127, bias
	// round(0.2/0.6 * 127) = 42.
	cv, err := ConvertNet(tinyCNN(ann.Layer{Kind: ann.KindReLU}), fullImage(), ConvertOptions{Percentile: 100, WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := []chip.Layer{
		{Name: "c", Size: 8, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 152},
			Conv: &chip.Conv{InC: 1, InH: 2, InW: 2, OutC: 2, OutH: 2, OutW: 2, KH: 1, KW: 1, Stride: 1, Groups: 1, Kernel: []int8{127, -64}},
			Bias: []int32{25, 25, 25, 25, 0, 0, 0, 0}},
		{Name: "p", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 4},
			Conv: &chip.Conv{InC: 2, InH: 2, InW: 2, OutC: 2, OutH: 1, OutW: 1, KH: 2, KW: 2, Stride: 2, Groups: 2, Kernel: []int8{1, 1, 1, 1, 1, 1, 1, 1}}},
		{Name: "fc", Size: 2, Neuron: neuron.Params{Kind: neuron.IFSubtract, Threshold: 127},
			Weights: []int8{127, 64, -127, 64}, Bias: []int32{0, 42}},
	}
	for l := range want {
		if !reflect.DeepEqual(cv.Net.Layers[l], want[l]) {
			t.Errorf("layer %d:\n got %+v %+v\nwant %+v %+v", l, cv.Net.Layers[l], cv.Net.Layers[l].Conv, want[l], want[l].Conv)
		}
	}
	if err := cv.Net.Validate(8); err != nil {
		t.Error(err)
	}
	if cv.MaxPoolNote != "" {
		t.Errorf("max-pool note %q without max pooling", cv.MaxPoolNote)
	}
	// Weights mapped back: q/θ·λ_out/λ_in = [127, -64]/152·0.6, bias 25/152·0.6.
	wq := cv.WeightQuantized.Layers[0]
	if !near(wq.W, []float64{127.0 / 152 * 0.6, -64.0 / 152 * 0.6}) || !near(wq.B, []float64{25.0 / 152 * 0.6, 0}) {
		t.Errorf("weight-quantized conv W %v B %v", wq.W, wq.B)
	}
	// A qcfs activation sets λ directly: λ = 1, W' = W, step 0.5/127,
	// q = [127, -64], θ = 254, bias round(0.1*254) = 25.
	cv, err = ConvertNet(tinyCNN(ann.Layer{Kind: ann.KindQCFS, Levels: 4, Lambda: 1}), fullImage(), ConvertOptions{Percentile: 100, WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	if c := cv.Net.Layers[0]; c.Neuron.Threshold != 254 || !slices.Equal(c.Conv.Kernel, []int8{127, -64}) || c.Bias[0] != 25 || cv.Layers[0].Lambda != 1 {
		t.Errorf("rate conversion of qcfs conv: %+v kernel %v bias %v λ %g", c.Neuron, c.Conv.Kernel, c.Bias, cv.Layers[0].Lambda)
	}
	// Max pooling becomes a gated OR and the conversion says so.
	n := tinyCNN(ann.Layer{Kind: ann.KindReLU})
	n.Layers[2].Kind = ann.KindMaxPool2D
	cv, err = ConvertNet(n, fullImage(), ConvertOptions{Percentile: 100, WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	if p := cv.Net.Layers[1].Neuron; p.Kind != neuron.IFZero || p.Threshold != 1 || cv.MaxPoolNote != MaxPoolApproximation || cv.Layers[1].Note == "" {
		t.Errorf("max pool layer %+v, note %q", p, cv.MaxPoolNote)
	}
}

func TestConvertPerChannelByHand(t *testing.T) {
	// fc1 activations [1,0], [0.5,2], [1.5,1]: channel maxima λ = [1.5, 2].
	// fc1 rows W/λ_o: [.6667 .3333], [-.5 1]; step 1/127; q = [[85 42] [-64 127]],
	// θ = 127. fc2: λ = 2.5, W' = [1*1.5/2.5, 1*2/2.5] = [.6 .8], step .8/127,
	// q = [95, 127] (95.25), θ = round(158.75) = 159.
	cv, err := ConvertNet(tinyMLP(), tinyCalib(), ConvertOptions{Percentile: 100, WeightBits: 8, PerChannel: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := cv.Net.Layers[0].Weights; !slices.Equal(got, []int8{85, -64, 42, 127}) {
		t.Errorf("fc1 weights %v", got)
	}
	if got := cv.Net.Layers[1].Weights; !slices.Equal(got, []int8{95, 127}) {
		t.Errorf("fc2 weights %v", got)
	}
	if cv.Net.Layers[0].Neuron.Threshold != 127 || cv.Net.Layers[1].Neuron.Threshold != 159 {
		t.Errorf("thresholds %d, %d", cv.Net.Layers[0].Neuron.Threshold, cv.Net.Layers[1].Neuron.Threshold)
	}
	if !slices.Equal(cv.Layers[0].ChannelLambda, []float64{1.5, 2}) || cv.Layers[0].Lambda != 2 {
		t.Errorf("fc1 λ %g per channel %v", cv.Layers[0].Lambda, cv.Layers[0].ChannelLambda)
	}
}

func TestConvertExactByHand(t *testing.T) {
	// conv (unit 1/255): θ = largest even <= λ qmax/(L max|W u|) = 127*255/2
	// = 16192.5 -> 16192; step s = 1/(4*16192) = 1/64768; q = round(W*64768/255)
	// = [127 (126.996), -63 (-63.498)]; bias round(0.1*64768) = 6477.
	// pool: weight 2, θ 2, levels 4*4 = 16; unit 0.25/4 = 1/16.
	// fc (output): step (1/16)/127, q = round(127 W) = [[127 -127] [64 64]],
	// bias round(0.2*2032) = 406; logits [0.5, 0.45], λ = 0.5, θ = 2 round(254/2) = 254, L = 4.
	qcfs := ann.Layer{Kind: ann.KindQCFS, Levels: 4, Lambda: 1}
	cv, err := ConvertNet(tinyCNN(qcfs), fullImage(), ConvertOptions{Percentile: 100, WeightBits: 8, Method: MethodExact, Encoder: Pulse})
	if err != nil {
		t.Fatal(err)
	}
	want := []chip.Layer{
		{Name: "c", Size: 8, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 16192, Levels: 4},
			Conv: &chip.Conv{InC: 1, InH: 2, InW: 2, OutC: 2, OutH: 2, OutW: 2, KH: 1, KW: 1, Stride: 1, Groups: 1, Kernel: []int8{127, -63}},
			Bias: []int32{6477, 6477, 6477, 6477, 0, 0, 0, 0}},
		{Name: "p", Size: 2, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 2, Levels: 16},
			Conv: &chip.Conv{InC: 2, InH: 2, InW: 2, OutC: 2, OutH: 1, OutW: 1, KH: 2, KW: 2, Stride: 2, Groups: 2, Kernel: []int8{2, 2, 2, 2, 2, 2, 2, 2}}},
		{Name: "fc", Size: 2, Neuron: neuron.Params{Kind: neuron.BIF, Threshold: 254, Levels: 4},
			Weights: []int8{127, 64, -127, 64}, Bias: []int32{0, 406}},
	}
	for l := range want {
		if !reflect.DeepEqual(cv.Net.Layers[l], want[l]) {
			t.Errorf("layer %d:\n got %+v %+v\nwant %+v %+v", l, cv.Net.Layers[l], cv.Net.Layers[l].Conv, want[l], want[l].Conv)
		}
	}
	// Weights mapped back: q·s/u = q·255/64768, bias 6477/64768.
	wq := cv.WeightQuantized.Layers[0]
	if !near(wq.W, []float64{127 * 255.0 / 64768, -63 * 255.0 / 64768}) || !near(wq.B, []float64{6477.0 / 64768, 0}) {
		t.Errorf("weight-quantized conv W %v B %v", wq.W, wq.B)
	}
	if !cv.Net.GradedInput || cv.Method != MethodExact {
		t.Errorf("graded %v, method %s", cv.Net.GradedInput, cv.Method)
	}
	// Integer forward pass of the image by hand:
	// conv ch0: Z = 127*255 + 6477 = 38862, a = floor((38862+8096)/16192) = 2
	// (the ANN: floor(0.6*4 + 0.5) = 2); ch1: Z = -16065 -> floor(-0.49) = -1 -> 0.
	// pool: 2+2+2+2 = 8 and 0. fc: Z = [127*8, 64*8 + 406] = [1016, 918],
	// a = floor((Z + 127)/254) = [4, 4]; prediction 0.
	qa := NewQuantizedActs(cv.Net)
	if p := QuantizedForward(cv.Net, []uint8{255, 255, 255, 255}, qa); p != 0 {
		t.Errorf("prediction %d, want 0", p)
	}
	wantCounts := [][]int32{{2, 2, 2, 2, 0, 0, 0, 0}, {8, 0}, {4, 4}}
	if !reflect.DeepEqual(qa.Counts, wantCounts) || !slices.Equal(qa.Z, []int64{1016, 918}) {
		t.Errorf("counts %v logits %v, want %v [1016 918]", qa.Counts, qa.Z, wantCounts)
	}
}

func TestConvertExactErrors(t *testing.T) {
	qcfs := ann.Layer{Kind: ann.KindQCFS, Levels: 4, Lambda: 1}
	maxNet := tinyCNN(qcfs)
	maxNet.Layers[2].Kind = ann.KindMaxPool2D
	exact := ConvertOptions{Percentile: 100, WeightBits: 8, Method: MethodExact, Encoder: Pulse}
	cases := []struct {
		name string
		n    *ann.Net
		opt  ConvertOptions
		want string
	}{
		{"relu", tinyCNN(ann.Layer{Kind: ann.KindReLU}), exact, `layer 0 (conv2d "c") is followed by relu; exact conversion needs qcfs activations`},
		{"maxpool", maxNet, exact, "max pooling has no exact spiking form"},
		{"encoder", tinyCNN(qcfs), ConvertOptions{Percentile: 100, WeightBits: 8, Method: MethodExact}, "encoder must be pulse, not rate"},
		{"per channel", tinyCNN(qcfs), ConvertOptions{Percentile: 100, WeightBits: 8, Method: MethodExact, Encoder: Pulse, PerChannel: true}, "per-channel"},
		{"2 bits", tinyCNN(qcfs), ConvertOptions{Percentile: 100, WeightBits: 2, Method: MethodExact, Encoder: Pulse}, "weight bits >= 3"},
		{"pulse for rate", tinyCNN(qcfs), ConvertOptions{Percentile: 100, WeightBits: 8, Encoder: Pulse}, "rate conversion needs rate or direct"},
		{"no activation", &ann.Net{Input: ann.Shape{C: 4, H: 1, W: 1}, Layers: []ann.Layer{
			{Kind: ann.KindDense, Name: "a", Out: 2, W: make([]float32, 8)},
			{Kind: ann.KindDense, Name: "b", Out: 2, W: make([]float32, 4)}}}, exact, `layer 0 (dense "a") has no activation after it`},
		{"add", &ann.Net{Input: ann.Shape{C: 2, H: 1, W: 1}, Layers: []ann.Layer{
			{Kind: ann.KindDense, Name: "a", Out: 2, W: make([]float32, 4)}, {Kind: ann.KindReLU, Name: "r"},
			{Kind: ann.KindDense, Name: "b", Out: 2, W: make([]float32, 4)}, {Kind: ann.KindAdd, From: "r"}}}, exact, "residual add is not supported"},
	}
	for _, c := range cases {
		_, err := ConvertNet(c.n, fullImage(), c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v\nwant it to contain %q", c.name, err, c.want)
		}
	}
}

func TestPulseEncoder(t *testing.T) {
	img := []uint8{0, 200, 0, 3}
	s := Pulse.NewStimulus(img, 1, 0)
	if got, want := s.Events(0, nil), []chip.InputEvent{{Channel: 1, Magnitude: 200}, {Channel: 3, Magnitude: 3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("t=0 events %v, want %v", got, want)
	}
	for step := 1; step < 4; step++ {
		if got := s.Events(step, nil); len(got) != 0 {
			t.Errorf("t=%d events %v, want none", step, got)
		}
	}
	var e Encoder
	if err := e.UnmarshalText([]byte("pulse")); err != nil || e != Pulse || !Pulse.Graded() || Pulse.String() != "pulse" {
		t.Errorf("pulse parses as %v, %v", e, err)
	}
	var m Method
	if err := m.UnmarshalText([]byte("exact")); err != nil || m != MethodExact {
		t.Errorf("exact parses as %v, %v", m, err)
	}
	if err := m.UnmarshalText([]byte("ttfs")); err == nil || !strings.Contains(err.Error(), "rate, exact") {
		t.Errorf("unknown method error %v", err)
	}
}
