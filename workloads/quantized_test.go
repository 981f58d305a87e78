package workloads

import (
	"fmt"
	"slices"
	"testing"

	"github.com/spikemesh/spikemesh/chip"
	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// referenceForward is an independent implementation of the integer network
// of an exact conversion, written differently from QuantizedForward: it
// gathers each neuron's inputs (chip.Conv.Sources for convolutions, a
// column walk of the In x Size matrix for dense layers) and finds each
// activation by discharging a half-charged bidirectional neuron that has
// received its whole input, one threshold at a time.
func referenceForward(net *chip.Network, image []uint8) (counts [][]int32, logits []int64) {
	prev := make([]int64, len(image))
	for i, p := range image {
		prev[i] = int64(p)
	}
	for _, ly := range net.Layers {
		z := make([]int64, ly.Size)
		for j := range z {
			var s int64
			if ly.Bias != nil {
				s = int64(ly.Bias[j])
			}
			if ly.Conv != nil {
				ly.Conv.Sources(j, func(src int, w int8) { s += int64(w) * prev[src] })
			} else {
				for a := range prev {
					s += int64(ly.Weights[a*ly.Size+j]) * prev[a]
				}
			}
			z[j] = s
		}
		theta, L := int64(ly.Neuron.Threshold), int32(ly.Neuron.Levels)
		c := make([]int32, ly.Size)
		next := make([]int64, ly.Size)
		for j, s := range z {
			v := theta/2 + s
			for v >= theta && c[j] < L {
				v -= theta
				c[j]++
			}
			next[j] = int64(c[j])
		}
		counts = append(counts, c)
		prev, logits = next, z
	}
	return counts, logits
}

// randomQCFSNet is a randomly initialised QCFS CNN with padding, stride 2,
// groups and two average pools, to exercise every convolution geometry.
func randomQCFSNet(t *testing.T) *ann.Net {
	n := &ann.Net{Name: "random-qcfs", Input: ann.Shape{C: 1, H: 28, W: 28}, Layers: []ann.Layer{
		{Kind: ann.KindConv2D, Name: "c1", Out: 4, Kernel: 3, Stride: 2, Pad: 1, Groups: 1},
		{Kind: ann.KindQCFS, Levels: 6, Lambda: 1.5},
		{Kind: ann.KindAvgPool2D, Kernel: 2, Stride: 2},
		{Kind: ann.KindConv2D, Name: "c2", Out: 6, Kernel: 3, Stride: 1, Pad: 1, Groups: 2},
		{Kind: ann.KindQCFS, Levels: 4, Lambda: 1},
		{Kind: ann.KindAvgPool2D, Kernel: 3, Stride: 2, Pad: 1},
		{Kind: ann.KindFlatten},
		{Kind: ann.KindDense, Name: "fc1", Out: 20},
		{Kind: ann.KindQCFS, Levels: 8, Lambda: 2},
		{Kind: ann.KindDense, Name: "out", Out: 10},
	}}
	if err := ann.InitNet(n, 11); err != nil {
		t.Fatal(err)
	}
	for i := range n.Layers[0].B {
		n.Layers[0].B[i] = 0.05 * float32(i-1) // non-zero biases, some negative
	}
	return n
}

// TestQuantizedForwardMatchesReference compares QuantizedForward with the
// independent reference on every neuron of many MNIST test images, for a
// random QCFS CNN and the built-in QCFS models.
func TestQuantizedForwardMatchesReference(t *testing.T) {
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	calib, err := mnist.Calibration()
	if err != nil {
		t.Fatal(err)
	}
	nets := []struct {
		net    *ann.Net
		images int
	}{{randomQCFSNet(t), 300}}
	for _, name := range []string{"mnist-mlp-qcfs", "mnist-cnn-qcfs"} {
		n, err := models.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		nets = append(nets, struct {
			net    *ann.Net
			images int
		}{n, 100})
	}
	for _, c := range nets {
		for _, bits := range []int{8, 4} {
			t.Run(fmt.Sprintf("%s/%dbit", c.net.Name, bits), func(t *testing.T) {
				cv, err := ConvertNet(c.net, calib, ConvertOptions{Percentile: 99.9, WeightBits: bits, Method: MethodExact, Encoder: Pulse, Samples: 200})
				if err != nil {
					t.Fatal(err)
				}
				if err := CheckQuantizable(cv.Net); err != nil {
					t.Fatal(err)
				}
				qa := NewQuantizedActs(cv.Net)
				active := make([]int, len(cv.Net.Layers))
				for i := range c.images {
					img := test.Image(i)
					pred := QuantizedForward(cv.Net, img, qa)
					counts, logits := referenceForward(cv.Net, img)
					for l := range counts {
						if !slices.Equal(counts[l], qa.Counts[l]) {
							t.Fatalf("image %d layer %s: QuantizedForward and the reference differ", i, cv.Net.Layers[l].Name)
						}
						for _, v := range counts[l] {
							if v != 0 {
								active[l]++
							}
						}
					}
					if !slices.Equal(logits, qa.Z) {
						t.Fatalf("image %d: logits %v, reference %v", i, qa.Z, logits)
					}
					best := 0
					for j, v := range logits {
						if v > logits[best] {
							best = j
						}
					}
					if pred != best {
						t.Fatalf("image %d: prediction %d, reference argmax %d", i, pred, best)
					}
				}
				for l, a := range active {
					if a == 0 {
						t.Errorf("layer %s was never active: the comparison is vacuous there", cv.Net.Layers[l].Name)
					}
				}
			})
		}
	}
}
