package chip

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAddRowsSWAR checks the SWAR kernel against the plain sum for row
// lengths around the 8-byte chunk size, event counts across the lane flush
// (256 rows) and the extreme weights -128 and 127.
func TestAddRowsSWAR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 7, 8, 9, 16, 128, 131, 1024} {
		for _, events := range []int{0, 1, 2, 3, 4, 5, 251, 252, 253, 255, 256, 257, 259, 600, 1027} {
			for _, fill := range []string{"random", "max", "min"} {
				t.Run(fmt.Sprintf("n%d_ev%d_%s", n, events, fill), func(t *testing.T) {
					const rows = 40
					w := make([]int8, rows*n)
					for i := range w {
						switch {
						case fill == "max": // every lane at its largest sum
							w[i] = 127
						case fill == "min":
							w[i] = -128
						default:
							switch rng.IntN(4) {
							case 0:
								w[i] = -128
							case 1:
								w[i] = 127
							default:
								w[i] = int8(rng.IntN(256) - 128)
							}
						}
					}
					ev := make([]uint32, events)
					for i := range ev {
						ev[i] = uint32(rng.IntN(rows))
					}
					want := make([]int32, n)
					got := make([]int32, n)
					for j := range n {
						want[j] = int32(rng.IntN(2000) - 1000)
						got[j] = want[j]
					}
					for _, e := range ev {
						for j := range n {
							want[j] += int32(w[int(e)*n+j])
						}
					}
					lanes := make([]uint64, n/8*2)
					addRowsSWAR(got, w, n, ev, lanes)
					for j := range n {
						if got[j] != want[j] {
							t.Fatalf("acc[%d] = %d, want %d", j, got[j], want[j])
						}
					}
					for k, l := range lanes {
						if l != 0 {
							t.Fatalf("lanes[%d] = %#x after the call, want 0", k, l)
						}
					}
				})
			}
		}
	}
}

// BenchmarkRows compares adding 391 rows of 128 weights (one timestep of
// a layer-1 core of the peer benchmark) row by row and in SWAR lanes.
func BenchmarkRows(b *testing.B) {
	const n, rows, events = 128, 784, 391
	rng := rand.New(rand.NewPCG(3, 4))
	w := make([]int8, rows*n)
	for i := range w {
		w[i] = int8(rng.IntN(256) - 128)
	}
	ev := make([]uint32, events)
	for i := range ev {
		ev[i] = uint32(rng.IntN(rows))
	}
	acc := make([]int32, n)
	lanes := make([]uint64, n/8*2)
	report := func(b *testing.B) {
		b.ReportMetric(float64(b.N)*events*n/b.Elapsed().Seconds(), "synaptic_events/s")
	}
	b.Run("addRow", func(b *testing.B) {
		for b.Loop() {
			for _, e := range ev {
				addRow(acc, w[int(e)*n:int(e)*n+n])
			}
		}
		report(b)
	})
	b.Run("swar", func(b *testing.B) {
		for b.Loop() {
			addRowsSWAR(acc, w, n, ev, lanes)
		}
		report(b)
	})
}
