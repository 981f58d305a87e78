package ann

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchMLP(sizes []int) *MLP {
	return initMLP(TrainConfig{Sizes: sizes}, rand.New(rand.NewPCG(1, 2)))
}

func BenchmarkForward(b *testing.B) {
	for _, sizes := range [][]int{{784, 512, 10}, {784, 512, 512, 10}} {
		b.Run(fmt.Sprint(sizes), func(b *testing.B) {
			m := benchMLP(sizes)
			s := randomSet(1, 784, 10, 3)
			x, acts := s.Float(0, nil), m.NewActs()
			for b.Loop() {
				m.Forward(x, acts)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
			b.ReportMetric(float64(b.N)*float64(m.MACs())/b.Elapsed().Seconds()/1e9, "GMAC/s")
		})
	}
}

func BenchmarkTrainStep(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("784-512-512-10/batch=128/workers=%d", workers), func(b *testing.B) {
			cfg := DefaultTrainConfig()
			cfg.Workers = workers
			m := benchMLP(cfg.Sizes)
			s := randomSet(128, 784, 10, 4)
			idx := make([]int, 128)
			for i := range idx {
				idx[i] = i
			}
			tr := newTrainer(m, cfg, len(idx))
			for b.Loop() {
				tr.step(s, idx, 1e-4)
			}
			b.ReportMetric(float64(b.N*len(idx))/b.Elapsed().Seconds(), "samples/s")
		})
	}
}
