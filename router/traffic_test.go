package router

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestBisectionBound(t *testing.T) {
	tests := []struct {
		w, h, flits, width int
		want               float64
	}{
		{8, 8, 1, 1, 0.5},        // 4/k
		{4, 4, 1, 1, 1},          // 4/4, also the injection link rate
		{6, 6, 1, 1, 4.0 / 6},    // 4/k
		{5, 5, 1, 1, 5.0 / 6},    // k/(a(k-a)) = 5/(2*3)
		{8, 4, 1, 1, 0.5},        // the longer side decides
		{16, 1, 1, 1, 0.25},      // a line: 16/64
		{1, 1, 1, 1, 1},          // no bisection: the injection link
		{8, 8, 4, 1, 0.5},        // 4-flit packets on 1-flit links: same flit rate
		{8, 8, 4, 2, 1},          // 2-flit links carry twice the flits
		{8, 8, 3, 2, 0.5 * 1.5},  // 3 flits in 2 cycles
		{2, 2, 1, 1, 1},          // 2/(1*1) = 2, capped at the link rate
		{10, 10, 1, 1, 4.0 / 10}, // 4/k
	}
	for _, tc := range tests {
		c := withFlits(testConfig(tc.w, tc.h, 1, 8, 1, 1, 0, 0, XY), tc.flits, tc.width, 0)
		if got := BisectionBound(c); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("BisectionBound(%dx%d, F%d W%d) = %g, want %g", tc.w, tc.h, tc.flits, tc.width, got, tc.want)
		}
	}
}

func TestTrafficDestinations(t *testing.T) {
	m, err := New(testConfig(4, 4, 1, 8, 1, 1, 0, 0, XY))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	// Transpose: (x,y) -> (y,x); router y*4+x.
	for _, tc := range []struct{ src, dst int32 }{{0, 0}, {1, 4}, {4, 1}, {7, 13}, {15, 15}, {6, 9}} {
		if got := m.trafficDst(Traffic{Pattern: Transpose}, tc.src, rng); got != tc.dst {
			t.Errorf("transpose(%d) = %d, want %d", tc.src, got, tc.dst)
		}
	}
	// Neighbor: always one hop, and every neighbour is used.
	for _, src := range []int32{0, 5, 15, 3} {
		seen := map[int32]bool{}
		for range 200 {
			d := m.trafficDst(Traffic{Pattern: Neighbor}, src, rng)
			if x, y := m.Hops(src, d); x+y != 1 {
				t.Fatalf("neighbor(%d) = %d, %d hops away", src, d, x+y)
			}
			seen[d] = true
		}
		x, y := m.Coord(src)
		want := 4
		for _, edge := range []bool{x == 0, x == 3, y == 0, y == 3} {
			if edge {
				want--
			}
		}
		if len(seen) != want {
			t.Errorf("neighbor(%d) reached %d neighbours, want %d", src, len(seen), want)
		}
	}
	// Hotspot with share 1 always picks the hot router.
	for range 50 {
		if d := m.trafficDst(Traffic{Pattern: Hotspot, HotspotShare: 1, HotspotRouter: 9}, 2, rng); d != 9 {
			t.Fatalf("hotspot share 1 sent to %d", d)
		}
	}
}

func TestTrafficValidate(t *testing.T) {
	sq := testConfig(4, 4, 1, 8, 1, 1, 0, 0, XY)
	rect := testConfig(4, 2, 1, 8, 1, 1, 0, 0, XY)
	ok := Traffic{Pattern: Uniform, Rate: 0.3, Measure: 100}
	tests := []struct {
		name string
		c    Config
		tr   Traffic
		want string
	}{
		{"ok", sq, ok, ""},
		{"bad pattern", sq, Traffic{Pattern: 9, Measure: 1}, "Traffic.Pattern (9)"},
		{"rate above flits", sq, Traffic{Rate: 1.5, Measure: 1}, "Traffic.Rate (1.5) must be in [0, PacketFlits=1]"},
		{"rate NaN", sq, Traffic{Rate: math.NaN(), Measure: 1}, "Traffic.Rate (NaN)"},
		{"no window", sq, Traffic{Rate: 0.1}, "Traffic.Measure (0)"},
		{"transpose rect", rect, Traffic{Pattern: Transpose, Rate: 0.1, Measure: 1}, "square mesh, not 4x2"},
		{"hot share", sq, Traffic{Pattern: Hotspot, Rate: 0.1, Measure: 1, HotspotShare: 2}, "HotspotShare (2)"},
		{"hot router", sq, Traffic{Pattern: Hotspot, Rate: 0.1, Measure: 1, HotspotRouter: 16}, "HotspotRouter (16) must be in [0, 16)"},
		{"too many", sq, Traffic{Rate: 1, Measure: 1 << 23}, "more than MaxTrafficPackets"},
		{"too long", sq, Traffic{Rate: 0, Measure: 1 << 30}, "16 nodes x 1073741824 cycles, more than MaxTrafficNodeCycles"},
		{"window overflow", sq, Traffic{Rate: 0, Warmup: 10, Measure: 1<<64 - 5}, "Traffic.Warmup+Measure"},
	}
	for _, tc := range tests {
		err := tc.tr.Validate(tc.c)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "router: ") {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	var p Pattern
	if err := p.UnmarshalText([]byte("Transpose")); err != nil || p != Transpose {
		t.Errorf("UnmarshalText(Transpose) = %v, %v", p, err)
	}
	if err := p.UnmarshalText([]byte("tornado")); err == nil || !strings.Contains(err.Error(), "uniform, transpose, hotspot, neighbor") {
		t.Errorf("UnmarshalText(tornado) error %v", err)
	}
}

func TestTrafficDeterministic(t *testing.T) {
	cfg := withFlits(testConfig(4, 4, 1, 8, 1, 1, 0, 0, YX), 2, 1, 1)
	tr := Traffic{Pattern: Hotspot, Rate: 0.3, Warmup: 100, Measure: 400, Seed: 5, HotspotShare: 0.2, HotspotRouter: 5}
	m, _ := New(cfg)
	a, err := RunTraffic(m, tr)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := RunTraffic(m, tr)
	if a.Stats != b.Stats || a.Accepted != b.Accepted || a.Latency.Quantile(0.99) != b.Latency.Quantile(0.99) {
		t.Errorf("same seed, different results: %+v vs %+v", a.Stats, b.Stats)
	}
	tr.Seed = 6
	c, _ := RunTraffic(m, tr)
	if c.Stats == a.Stats {
		t.Errorf("different seeds gave identical runs")
	}
	if a.Stats.Packets != a.Stats.Injected || a.Latency.Count() != a.Measured {
		t.Errorf("not every packet delivered: %+v, measured %d latencies %d", a.Stats, a.Measured, a.Latency.Count())
	}
}

func TestTrafficPatternLimits(t *testing.T) {
	// Hotspot with share 1: every packet ejects at one router, whose
	// ejection link moves 1 flit per cycle, so the accepted load is at
	// most 1/16 flit per node per cycle on a 4x4 mesh.
	cfg := testConfig(4, 4, 1, 8, 1, 1, 0, 0, XY)
	m, _ := New(cfg)
	hot, err := RunTraffic(m, Traffic{Pattern: Hotspot, Rate: 0.5, Warmup: 200, Measure: 1000, Seed: 1, HotspotShare: 1, HotspotRouter: 5})
	if err != nil {
		t.Fatal(err)
	}
	if hot.Accepted > 1.0/16 || hot.Accepted < 0.95/16 {
		t.Errorf("hotspot accepted %g, want just below 1/16", hot.Accepted)
	}
	if m.LinkFlits(5, LocalPort(0)) != hot.Stats.Packets {
		t.Errorf("hot ejection link carried %d flits, want %d", m.LinkFlits(5, LocalPort(0)), hot.Stats.Packets)
	}
	// Nearest neighbour uses no bisection: 0.8 flits/node/cycle, above the
	// uniform saturation, is accepted in full.
	nb, _ := RunTraffic(m, Traffic{Pattern: Neighbor, Rate: 0.8, Warmup: 200, Measure: 1000, Seed: 1})
	if math.Abs(nb.Accepted-nb.Offered) > 0.02 || nb.Stats.Hops != nb.Stats.Packets {
		t.Errorf("neighbor: offered %g accepted %g, hops %d packets %d", nb.Offered, nb.Accepted, nb.Stats.Hops, nb.Stats.Packets)
	}
}

// TestSaturationUniform checks the classic latency-versus-load curve of
// uniform random traffic on k x k meshes (hop 1, buffers of 8 flits,
// single-flit packets). Measured with these windows (docs/noc.md): the
// accepted throughput saturates at 0.71, 0.75 and 0.78 of the bisection
// bound 4/k for k = 4, 6, 8. The test requires [0.6, 0.9) of the bound,
// full acceptance at half the saturation load, a plateau beyond it, and
// latency at 1.2x saturation at least 20 times the low-load latency.
func TestSaturationUniform(t *testing.T) {
	sizes := []int{4, 6, 8}
	if testing.Short() {
		sizes = []int{4, 8}
	}
	for _, k := range sizes {
		cfg := testConfig(k, k, 1, 8, 1, 1, 0, 0, XY)
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		bound := BisectionBound(cfg)
		run := func(rate float64) LoadPoint {
			lp, err := RunTraffic(m, Traffic{Pattern: Uniform, Rate: min(rate, 1), Warmup: 500, Measure: 2000, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			return lp
		}
		sat := run(bound).Accepted // offered at the bound: beyond saturation
		frac := sat / bound
		t.Logf("%dx%d: bound %.3f, saturation %.3f (%.2f of bound)", k, k, bound, sat, frac)
		if frac < 0.6 || frac >= 0.9 {
			t.Errorf("%dx%d: saturation %.3f is %.2f of the bound %.3f, want [0.6, 0.9)", k, k, sat, frac, bound)
		}
		low, half, near, over := run(0.1*sat), run(0.5*sat), run(0.9*sat), run(1.2*sat)
		if math.Abs(half.Accepted-half.Offered) > 0.02*half.Offered {
			t.Errorf("%dx%d: at half saturation accepted %.3f of offered %.3f", k, k, half.Accepted, half.Offered)
		}
		if math.Abs(over.Accepted-sat) > 0.05*sat {
			t.Errorf("%dx%d: beyond saturation accepted %.3f, want the plateau %.3f", k, k, over.Accepted, sat)
		}
		l0, l9, l12 := low.Latency.Mean(), near.Latency.Mean(), over.Latency.Mean()
		if l9 < 1.5*l0 || l12 < 20*l0 {
			t.Errorf("%dx%d: mean latency %.1f (0.1 sat), %.1f (0.9 sat), %.1f (1.2 sat): want a sharp rise", k, k, l0, l9, l12)
		}
		if math.Abs(low.Latency.Mean()-low.ZeroLoad) > 0.1*low.ZeroLoad {
			t.Errorf("%dx%d: low-load latency %.2f far from zero-load %.2f", k, k, low.Latency.Mean(), low.ZeroLoad)
		}
	}
}
