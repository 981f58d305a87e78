package router

import (
	"fmt"
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
