package workloads

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// tinyMLP: 2 inputs -> 2 ReLU -> 1 output, with weights chosen so that the
// conversion can be worked out by hand.
func tinyMLP() *ann.Net {
	return &ann.Net{Name: "tiny", Input: ann.Shape{C: 2, H: 1, W: 1}, Layers: []ann.Layer{
		{Kind: ann.KindDense, Name: "fc1", Out: 2, W: []float32{1, 0.5, -1, 2}, B: []float32{0, 0}},
		{Kind: ann.KindReLU},
		{Kind: ann.KindDense, Name: "fc2", Out: 1, W: []float32{1, 1}, B: []float32{0}},
	}}
}

// tinyCalib: x = [1,0], [0,1], [1,1].
func tinyCalib() *mnist.Set {
	return &mnist.Set{Images: []uint8{255, 0, 0, 255, 255, 255}, Labels: []uint8{0, 0, 0}, N: 3, Rows: 1, Cols: 2}
}

func TestConvertByHand(t *testing.T) {
	// fc1 activations: [1,0], [0.5,2], [1.5,1]: positives {1, .5, 2, 1.5, 1}.
	// fc2 outputs: 1, 2.5, 2.5.
	cases := []struct {
		name      string
		opt       ConvertOptions
		lambda    []float64
		threshold []int32
		weights   [][]int8 // chip layout, In x Out
		graded    bool
	}{
		{
			// λ1 = 2 (max), λ2 = 2.5. fc1: W' = W/2 = [[.5,.25],[-.5,1]], step 1/127,
			// q = [[64,32],[-64,127]] (63.5 rounds away from zero), threshold 127.
			// fc2: W' = 0.8 W, step 0.8/127, q = [127,127], threshold round(158.75) = 159.
			name: "max", opt: ConvertOptions{Percentile: 100, WeightBits: 8},
			lambda: []float64{2, 2.5}, threshold: []int32{127, 159},
			weights: [][]int8{{64, -64, 32, 127}, {127, 127}},
		},
		{
			// Median (nearest rank 3 of 5) of fc1 = 1; of fc2's {1, 2.5, 2.5} = 2.5.
			// fc1: W' = W, step 2/127, q = round(63.5 W) = [[64,32],[-64,127]],
			// threshold round(63.5) = 64. fc2: W' = W/2.5, step 0.4/127,
			// q = [127,127], threshold 127/0.4 = 317.5, which float64 computes
			// as 317.4999... (0.4 is not exact in binary), so 317.
			name: "median", opt: ConvertOptions{Percentile: 50, WeightBits: 8},
			lambda: []float64{1, 2.5}, threshold: []int32{64, 317},
			weights: [][]int8{{64, -64, 32, 127}, {127, 127}},
		},
		{
			// 4-bit weights: qmax 7. fc1 step 1/7: q = round(7 W') = [[4,2],[-4,7]]
			// (3.5 -> 4, 1.75 -> 2), threshold 7.
			name: "4 bits", opt: ConvertOptions{Percentile: 100, WeightBits: 4},
			lambda: []float64{2, 2.5}, threshold: []int32{7, 9},
			weights: [][]int8{{4, -4, 2, 7}, {7, 7}},
		},
		{
			// Direct input: events carry 255 x, so fc1's threshold is 255 x 127.
			name: "direct", opt: ConvertOptions{Percentile: 100, WeightBits: 8, Encoder: Direct},
			lambda: []float64{2, 2.5}, threshold: []int32{32385, 159},
			weights: [][]int8{{64, -64, 32, 127}, {127, 127}}, graded: true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conv, err := ConvertNet(tinyMLP(), tinyCalib(), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if conv.Net.GradedInput != c.graded {
				t.Errorf("graded = %v", conv.Net.GradedInput)
			}
			for l, ly := range conv.Net.Layers {
				if math.Abs(conv.Layers[l].Lambda-c.lambda[l]) > 1e-6 {
					t.Errorf("layer %d: lambda %g, want %g", l, conv.Layers[l].Lambda, c.lambda[l])
				}
				if ly.Neuron.Threshold != c.threshold[l] || ly.Neuron.Kind != neuron.IFSubtract {
					t.Errorf("layer %d: neuron %+v, want threshold %d", l, ly.Neuron, c.threshold[l])
				}
				if !reflect.DeepEqual(ly.Weights, c.weights[l]) {
					t.Errorf("layer %d: weights %v, want %v", l, ly.Weights, c.weights[l])
				}
				if ly.Bias != nil {
					t.Errorf("layer %d: zero biases kept: %v", l, ly.Bias)
				}
			}
			if err := conv.Net.Validate(c.opt.WeightBits); err != nil {
				t.Errorf("converted network invalid: %v", err)
			}
		})
	}
}

func TestConvertBias(t *testing.T) {
	m := tinyMLP()
	m.Layers[0].B = []float32{0.5, -0.25}
	conv, err := ConvertNet(m, tinyCalib(), ConvertOptions{Percentile: 100, WeightBits: 8})
	if err != nil {
		t.Fatal(err)
	}
	// fc1 activations now [1.5,0], [1,1.75], [2,.75]: λ1 = 2, step 1/127.
	// Bias b/λ1/step = [0.25*127, -0.125*127] = [31.75, -15.875] -> [32, -16].
	if got := conv.Net.Layers[0].Bias; !reflect.DeepEqual(got, []int32{32, -16}) {
		t.Errorf("bias %v, want [32 -16]", got)
	}
}

func TestConvertErrors(t *testing.T) {
	wide := &mnist.Set{Images: make([]uint8, 3), Labels: []uint8{0}, N: 1, Rows: 1, Cols: 3}
	dead := tinyMLP()
	dead.Layers[0].W = []float32{-1, -1, -1, -1}
	cases := []struct {
		name  string
		m     *ann.Net
		calib *mnist.Set
		opt   ConvertOptions
		want  string
	}{
		{"percentile", tinyMLP(), tinyCalib(), ConvertOptions{Percentile: 0, WeightBits: 8}, "percentile"},
		{"bits", tinyMLP(), tinyCalib(), ConvertOptions{Percentile: 99, WeightBits: 9}, "weight bits"},
		{"shape", tinyMLP(), wide, ConvertOptions{Percentile: 99, WeightBits: 8}, "3 pixels"},
		{"silent layer", dead, tinyCalib(), ConvertOptions{Percentile: 99, WeightBits: 8}, "fc1 never activates"},
	}
	for _, c := range cases {
		_, err := ConvertNet(c.m, c.calib, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to mention %q", c.name, err, c.want)
		}
	}
}

func TestEncoders(t *testing.T) {
	img := []uint8{0, 255, 128, 0, 7}
	// Direct: every non-zero pixel, every timestep, with its value.
	d := Direct.NewStimulus(img, 1, 0)
	got := d.Events(0, nil)
	want := []chip.InputEvent{{Channel: 1, Magnitude: 255}, {Channel: 2, Magnitude: 128}, {Channel: 4, Magnitude: 7}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("direct events %v, want %v", got, want)
	}
	// Rate: pixel 255 always, pixel 0 never, pixel 128 about half the time.
	const steps = 20000
	counts := make([]int, len(img))
	r := Rate.NewStimulus(img, 1, 0)
	var buf []chip.InputEvent
	for step := 0; step < steps; step++ {
		buf = r.Events(step, buf[:0])
		for _, e := range buf {
			if e.Magnitude != 1 {
				t.Fatalf("rate event with magnitude %d", e.Magnitude)
			}
			counts[e.Channel]++
		}
	}
	if counts[0] != 0 || counts[3] != 0 || counts[1] != steps {
		t.Errorf("counts %v: pixel 0 must never and 255 always spike", counts)
	}
	// p = 128/255 = 0.502; 20000 draws have sd 0.0035: allow 5 sd.
	if f := float64(counts[2]) / steps; math.Abs(f-128.0/255) > 0.018 {
		t.Errorf("pixel 128 fired in %.4f of steps, want about %.4f", f, 128.0/255)
	}
	if f := float64(counts[4]) / steps; math.Abs(f-7.0/255) > 0.006 {
		t.Errorf("pixel 7 fired in %.4f of steps, want about %.4f", f, 7.0/255)
	}
	// Same seed and sample: same spikes; another sample: different spikes.
	a, b, c := Rate.NewStimulus(img, 1, 0), Rate.NewStimulus(img, 1, 0), Rate.NewStimulus(img, 1, 1)
	var ea, eb, ec []chip.InputEvent
	same := true
	for step := 0; step < 50; step++ {
		ea, eb, ec = a.Events(step, ea[:0]), b.Events(step, eb[:0]), c.Events(step, ec[:0])
		if !reflect.DeepEqual(ea, eb) {
			t.Fatal("same seed and sample gave different spikes")
		}
		same = same && reflect.DeepEqual(ea, ec)
	}
	if same {
		t.Error("different samples gave identical spike trains")
	}
}

func TestEncoderText(t *testing.T) {
	for _, s := range []string{"rate", "poisson", "direct"} {
		var e Encoder
		if err := e.UnmarshalText([]byte(s)); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	var e Encoder
	if err := e.UnmarshalText([]byte("latency")); err == nil || !strings.Contains(err.Error(), "rate, direct") {
		t.Errorf("unknown encoder error %v", err)
	}
}
