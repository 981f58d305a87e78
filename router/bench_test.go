package router

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkRun measures one timestep's worth of uniform random traffic on
// an 8x4 mesh with four endpoints per router, injected over 200 cycles.
func BenchmarkRun(b *testing.B) {
	cfg := testConfig(8, 4, 4, 4, 2, 3, 1, 1, XY)
	for _, n := range []int{1000, 4000} {
		b.Run(fmt.Sprintf("packets=%d", n), func(b *testing.B) {
			pkts := randomTraffic(1, cfg, n, 200, 0, 0)
			m, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			var hops, stalls uint64
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for _, p := range pkts {
					if err := m.Inject(p); err != nil {
						b.Fatal(err)
					}
				}
				st := m.Run(nil)
				hops += st.Hops
				stalls += st.StallCycles
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(hops)/sec, "packet-hops/s")
			b.ReportMetric(float64(n)*float64(b.N)/sec, "packets/s")
			b.ReportMetric(float64(stalls)/float64(n*b.N), "stalls/packet")
		})
	}
}

// BenchmarkRunTraffic measures the synthetic-traffic harness on an 8x8
// mesh below and beyond uniform-random saturation.
func BenchmarkRunTraffic(b *testing.B) {
	cfg := testConfig(8, 8, 1, 8, 1, 1, 0, 0, XY)
	for _, rate := range []float64{0.2, 0.5} {
		b.Run(fmt.Sprintf("rate=%.1f", rate), func(b *testing.B) {
			m, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			var pkts, hops uint64
			b.ReportAllocs()
			for range b.N {
				lp, err := RunTraffic(m, Traffic{Pattern: Uniform, Rate: rate, Warmup: 200, Measure: 1000, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				pkts += lp.Stats.Packets
				hops += lp.Stats.Hops
			}
			sec := b.Elapsed().Seconds()
			b.ReportMetric(float64(pkts)/sec, "packets/s")
			b.ReportMetric(float64(hops)/sec, "packet-hops/s")
		})
	}
}

// BenchmarkMulticast measures mixed unicast and multicast traffic with
// 3-flit packets.
func BenchmarkMulticast(b *testing.B) {
	cfg := withFlits(testConfig(8, 4, 4, 6, 2, 3, 1, 1, XY), 3, 1, 1)
	m, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	groups := randomGroups(b, m, rand.New(rand.NewPCG(1, 1)), 16, 8)
	pkts := mixedTraffic(m, 2, groups, 3000, 400)
	var deliveries uint64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for _, p := range pkts {
			if err := m.Inject(p); err != nil {
				b.Fatal(err)
			}
		}
		deliveries += m.Run(nil).Packets
	}
	b.ReportMetric(float64(deliveries)/b.Elapsed().Seconds(), "deliveries/s")
}
