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

// BenchmarkHostBurst is one timestep of the peer benchmark's traffic on the
// loihi preset's mesh (8x4, five local ports, 8/13-cycle hops, depth 16):
// 391 input spikes, each sent by the host (router 0, port 4) to the four
// layer-1 cores on router 0 at cycle 0, then 64 layer-1 spikes to the two
// layer-2 cores and 61 layer-2 spikes to the output core on router 1.
func BenchmarkHostBurst(b *testing.B) {
	cfg := testConfig(8, 4, 5, 16, 8, 13, 0, 0, XY)
	var pkts []Packet
	host := Endpoint{Router: 0, Port: 4}
	for s := range 391 {
		for k := range 4 {
			pkts = append(pkts, Packet{Src: host, Dst: Endpoint{Router: 0, Port: int16(k)}, Tag: uint32(s)})
		}
	}
	for s := range 64 {
		src := Endpoint{Router: 0, Port: int16(s % 4)}
		for k := range 2 {
			pkts = append(pkts, Packet{Src: src, Dst: Endpoint{Router: 1, Port: int16(k)}, Inject: uint64(60000 + 40*s)})
		}
	}
	for s := range 61 {
		src := Endpoint{Router: 1, Port: int16(s % 2)}
		pkts = append(pkts, Packet{Src: src, Dst: Endpoint{Router: 1, Port: 2}, Inject: uint64(70000 + 100*s)})
	}
	m, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := m.InjectAll(pkts); err != nil {
			b.Fatal(err)
		}
		m.Run(nil)
	}
	b.ReportMetric(float64(len(pkts))*float64(b.N)/b.Elapsed().Seconds(), "packets/s")
}
