package ann

import (
	"fmt"
	"testing"
)

// benchMLP is a ReLU MLP of the given widths with random weights.
func benchMLP(b *testing.B, sizes ...int) *Net {
	n := mlpNet(sizes...)
	if err := InitNet(n, 1); err != nil {
		b.Fatal(err)
	}
	return n
}

func BenchmarkForwardMLP(b *testing.B) {
	for _, sizes := range [][]int{{784, 512, 10}, {784, 512, 512, 10}} {
		b.Run(fmt.Sprint(sizes), func(b *testing.B) {
			n := benchMLP(b, sizes...)
			ws, err := n.NewWorkspace(1)
			if err != nil {
				b.Fatal(err)
			}
			x := randomSet(1, 784, 10, 3).Float(0, nil)
			for b.Loop() {
				n.Forward(x, ws)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(float64(b.N)*float64(n.MACs())/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

func BenchmarkTrainNetStepMLP(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("784-512-512-10/batch=128/workers=%d", workers), func(b *testing.B) {
			n := benchMLP(b, 784, 512, 512, 10)
			p, err := newPlan(n)
			if err != nil {
				b.Fatal(err)
			}
			s := randomSet(128, 784, 10, 4)
			idx := make([]int, 128)
			for i := range idx {
				idx[i] = i
			}
			t := newNetTrainer(p, len(idx), workers, 0)
			for b.Loop() {
				t.gradients(s, idx)
				t.update(1e-4)
			}
			b.ReportMetric(float64(b.N*len(idx))/b.Elapsed().Seconds(), "samples/s")
		})
	}
}

// benchCNN is the architecture of the built-in mnist-cnn with random weights.
func benchCNN(b *testing.B) *Net {
	n := &Net{Input: Shape{1, 28, 28}, Layers: []Layer{
		{Kind: KindConv2D, Name: "conv1", Out: 16, Kernel: 5, Stride: 1, Groups: 1}, {Kind: KindReLU},
		{Kind: KindAvgPool2D, Kernel: 2, Stride: 2},
		{Kind: KindConv2D, Name: "conv2", Out: 32, Kernel: 5, Stride: 1, Groups: 1}, {Kind: KindReLU},
		{Kind: KindAvgPool2D, Kernel: 2, Stride: 2},
		{Kind: KindFlatten},
		{Kind: KindDense, Name: "fc", Out: 10},
	}}
	if err := InitNet(n, 1); err != nil {
		b.Fatal(err)
	}
	return n
}

func BenchmarkNetForwardCNN(b *testing.B) {
	n := benchCNN(b)
	const batch = 32
	ws, err := n.NewWorkspace(batch)
	if err != nil {
		b.Fatal(err)
	}
	s := randomSet(batch, 784, 10, 3)
	x := make([]float32, batch*784)
	for i := range batch {
		s.Float(i, x[i*784:(i+1)*784])
	}
	for b.Loop() {
		n.ForwardBatch(x, batch, ws)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
	b.ReportMetric(float64(b.N*batch)*float64(n.MACs())/b.Elapsed().Seconds()/1e9, "GMAC/s")
}

func BenchmarkTrainNetStepCNN(b *testing.B) {
	n := benchCNN(b)
	p, err := newPlan(n)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 64
	s := randomSet(batch, 784, 10, 3)
	t := newNetTrainer(p, batch, 1, 0)
	idx := make([]int, batch)
	for i := range idx {
		idx[i] = i
	}
	for b.Loop() {
		t.gradients(s, idx)
		t.update(1e-3)
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "images/s")
}
