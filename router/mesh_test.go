package router

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func ep(ri int32, port int16) Endpoint { return Endpoint{Router: ri, Port: port} }

func testConfig(w, h, local, depth, hx, hy, inj, ej int, alg Algorithm) Config {
	return Config{Width: w, Height: h, LocalPorts: local, BufferDepth: depth,
		HopCyclesX: hx, HopCyclesY: hy, InjectCycles: inj, EjectCycles: ej, Routing: alg}
}

// simulate runs pkts on a fresh mesh, visiting every router every cycle if
// step is set, and returns the deliveries in callback order.
func simulate(t testing.TB, cfg Config, pkts []Packet, step bool) ([]Delivery, Stats) {
	t.Helper()
	m, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	m.stepEveryCycle = step
	return runOn(t, m, pkts)
}

func runOn(t testing.TB, m *Mesh, pkts []Packet) ([]Delivery, Stats) {
	t.Helper()
	for i, p := range pkts {
		if err := m.Inject(p); err != nil {
			t.Fatalf("Inject packet %d: %v", i, err)
		}
	}
	var got []Delivery
	st := m.Run(func(d Delivery) { got = append(got, d) })
	return got, st
}

func diffDeliveries(got, want []Delivery) string {
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = fmt.Sprintf("%+v", got[i])
		}
		if i < len(want) {
			w = fmt.Sprintf("%+v", want[i])
		}
		if g != w {
			fmt.Fprintf(&b, "\n  [%d] got  %s\n      want %s", i, g, w)
		}
	}
	return b.String()
}

// checkDeliveries compares a Run against hand-computed values, both with
// idle-cycle skipping and with every router stepped every cycle.
//
// The derived fields Injected, FlitHops and DrainCycles of wantStats are
// filled in from pkts and the other fields when left zero.
func checkDeliveries(t *testing.T, cfg Config, pkts []Packet, want []Delivery, wantStats Stats) {
	t.Helper()
	if wantStats.Injected == 0 {
		wantStats.Injected = uint64(len(pkts))
	}
	if wantStats.FlitHops == 0 {
		wantStats.FlitHops = wantStats.Hops * uint64(cfg.Flits())
	}
	if wantStats.DrainCycles == 0 && wantStats.Packets > 0 {
		var last uint64
		for _, p := range pkts {
			last = max(last, p.Inject)
		}
		wantStats.DrainCycles = wantStats.LastArrival - last
	}
	for _, step := range []bool{false, true} {
		got, st := simulate(t, cfg, pkts, step)
		if d := diffDeliveries(got, want); d != "" {
			t.Errorf("step=%v: deliveries differ:%s", step, d)
		}
		if st != wantStats {
			t.Errorf("step=%v: stats\n got  %+v\n want %+v", step, st, wantStats)
		}
	}
}

func TestZeroLoadLatency(t *testing.T) {
	// 4x3 mesh; router (x,y) is y*4+x. Latencies are computed by hand from
	// Inject + |dx|*HopCyclesX + |dy|*HopCyclesY + Eject.
	tests := []struct {
		name            string
		hx, hy, inj, ej int
		src, dst        Endpoint
		inject, arrive  uint64
		hopsX, hopsY    uint64
	}{
		{"unit hops (0,0)->(3,2)", 1, 1, 0, 0, ep(0, 0), ep(11, 1), 5, 10, 3, 2},
		{"hx!=hy (0,0)->(2,1)", 4, 6, 1, 2, ep(0, 1), ep(6, 0), 5, 22, 2, 1},      // 1+8+6+2 = 17
		{"west-south (3,2)->(0,0)", 2, 3, 0, 1, ep(11, 0), ep(0, 1), 5, 18, 3, 2}, // 6+6+1 = 13
		{"south only (1,2)->(1,0)", 5, 2, 1, 0, ep(9, 0), ep(1, 0), 5, 10, 0, 2},  // 1+4 = 5
		{"east only (0,1)->(3,1)", 3, 7, 0, 0, ep(4, 0), ep(7, 0), 0, 9, 3, 0},    // 9
		{"own router", 4, 6, 2, 3, ep(5, 0), ep(5, 1), 5, 10, 0, 0},               // 2+3 = 5
		{"own endpoint, zero stages", 4, 6, 0, 0, ep(5, 1), ep(5, 1), 7, 7, 0, 0},
	}
	for _, tc := range tests {
		for _, alg := range []Algorithm{XY, YX} {
			t.Run(tc.name+"/"+alg.String(), func(t *testing.T) {
				cfg := testConfig(4, 3, 2, 2, tc.hx, tc.hy, tc.inj, tc.ej, alg)
				p := Packet{Src: tc.src, Dst: tc.dst, Inject: tc.inject, Tag: 42}
				lat := tc.arrive - tc.inject
				checkDeliveries(t, cfg, []Packet{p}, []Delivery{{p, tc.arrive}}, Stats{
					Packets: 1, Hops: tc.hopsX + tc.hopsY, HopsX: tc.hopsX, HopsY: tc.hopsY,
					LastArrival: tc.arrive, LatencySum: lat, LatencyMax: lat,
				})
				m, _ := New(cfg)
				if got := m.ZeroLoadLatency(tc.src, tc.dst); got != lat {
					t.Errorf("ZeroLoadLatency = %d, want %d", got, lat)
				}
			})
		}
	}
}

func TestContention(t *testing.T) {
	type tcase struct {
		name      string
		cfg       Config
		pkts      []Packet
		want      []int    // indices into pkts, in delivery order
		arrive    []uint64 // arrival cycle of want[i]
		wantStats Stats
	}
	tests := []tcase{
		{
			// 3x1 mesh, HopCyclesX 2. A (r0 -> r2) is in r1's West buffer at
			// 2, B is injected at r1 at 2; both request r1's East output at
			// 2. Pointer 0: W(3) comes before L0(4), so A goes at 2 and B at 3.
			name: "same output same cycle",
			cfg:  testConfig(3, 1, 1, 4, 2, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 0, Tag: 1},
				{Src: ep(1, 0), Dst: ep(2, 0), Inject: 2, Tag: 2},
			},
			want:   []int{0, 1},
			arrive: []uint64{4, 5},
			wantStats: Stats{Packets: 2, Hops: 3, HopsX: 3, LastArrival: 5,
				LatencySum: 4 + 3, LatencyMax: 4, StallCycles: 1},
		},
		{
			// Two streams of three into r1's East output. A-stream from r0 at
			// 0,1,2 is in r1.W at 2,3,4; B-stream is injected at r1 at 2,3,4.
			// Grants at r1.E: 2:a0 (ptr 0 -> W), ptr->4; 3:b0, ptr->0;
			// 4:a1; 5:b1; 6:a2; 7:b2. Each arrives at r2 two cycles later.
			// Stalls: b0 1, a1 1, b1 2, a2 2, b2 3 = 9.
			name: "round robin alternates",
			cfg:  testConfig(3, 1, 1, 4, 2, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 0, Tag: 10},
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 1, Tag: 11},
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 2, Tag: 12},
				{Src: ep(1, 0), Dst: ep(2, 0), Inject: 2, Tag: 20},
				{Src: ep(1, 0), Dst: ep(2, 0), Inject: 3, Tag: 21},
				{Src: ep(1, 0), Dst: ep(2, 0), Inject: 4, Tag: 22},
			},
			want:   []int{0, 3, 1, 4, 2, 5},
			arrive: []uint64{4, 5, 6, 7, 8, 9},
			wantStats: Stats{Packets: 6, Hops: 9, HopsX: 9, LastArrival: 9,
				LatencySum: 4 + 3 + 5 + 4 + 6 + 5, LatencyMax: 6, StallCycles: 9},
		},
		{
			// Two packets reach r1's ejection port L0 at cycle 1 (A from
			// r1.W, B injected locally); W wins, B ejects a cycle later.
			// EjectCycles 2 is added to both.
			name: "ejection link serializes",
			cfg:  testConfig(2, 1, 1, 4, 1, 1, 0, 2, XY),
			pkts: []Packet{
				{Src: ep(1, 0), Dst: ep(1, 0), Inject: 1, Tag: 2},
				{Src: ep(0, 0), Dst: ep(1, 0), Inject: 0, Tag: 1},
			},
			want:   []int{1, 0},
			arrive: []uint64{3, 4},
			wantStats: Stats{Packets: 2, Hops: 1, HopsX: 1, LastArrival: 4,
				LatencySum: 3 + 3, LatencyMax: 3, StallCycles: 1},
		},
		{
			// Five packets from one endpoint at cycle 0 leave the queue one
			// per cycle (0..4) and arrive one hop later (1..5).
			name: "injection link serializes a stream",
			cfg:  testConfig(2, 1, 1, 4, 1, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 0}, {Src: ep(0, 0), Dst: ep(1, 0), Tag: 1},
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 2}, {Src: ep(0, 0), Dst: ep(1, 0), Tag: 3},
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 4},
			},
			want:   []int{0, 1, 2, 3, 4},
			arrive: []uint64{1, 2, 3, 4, 5},
			wantStats: Stats{Packets: 5, Hops: 5, HopsX: 5, LastArrival: 5,
				LatencySum: 15, LatencyMax: 5, StallCycles: 10, InjectStallCycles: 10},
		},
		{
			// InjectCycles 2, depth 1: a packet leaves the queue at c, is in
			// the local buffer at c+2, leaves it at c+2, and the credit is
			// back at c+3. Queue departures 0, 3, 6; arrivals 3, 6, 9.
			name: "injection back-pressure depth 1",
			cfg:  testConfig(2, 1, 1, 1, 1, 1, 2, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 0}, {Src: ep(0, 0), Dst: ep(1, 0), Tag: 1},
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 2},
			},
			want:   []int{0, 1, 2},
			arrive: []uint64{3, 6, 9},
			wantStats: Stats{Packets: 3, Hops: 3, HopsX: 3, LastArrival: 9,
				LatencySum: 18, LatencyMax: 9, StallCycles: 9, InjectStallCycles: 9},
		},
		{
			// HopCyclesX 3, depth 1 everywhere. p0: queue 0, r0.L0 0, E at 0,
			// r1.W at 3, ejected at 3 (credit of r1.W back at 4). p1: r0.L0
			// credit back at 1, so queue 1 (stall 1); waits in r0.L0 for the
			// r1.W credit until 4 (stall 3); r1 at 7. p2: r0.L0 credit back
			// at 5, queue 5 (stall 5); r1.W credit back at 8 (stall 3);
			// arrives 11. One packet per HopCyclesX+1 = 4 cycles.
			name: "link back-pressure depth 1",
			cfg:  testConfig(2, 1, 1, 1, 3, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 0}, {Src: ep(0, 0), Dst: ep(1, 0), Tag: 1},
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 2},
			},
			want:   []int{0, 1, 2},
			arrive: []uint64{3, 7, 11},
			wantStats: Stats{Packets: 3, Hops: 3, HopsX: 3, LastArrival: 11,
				LatencySum: 21, LatencyMax: 11, StallCycles: 12, InjectStallCycles: 6,
				BackPressureStalls: 3 + 3}, // p1 waits for the credit at 1..3, p2 at 5..7
		},
		{
			// The same stream westward (r1 -> r0): r0 frees r0.E-in at 3 and
			// is visited before r1, but the credit still returns at 4.
			name: "link back-pressure depth 1 westward",
			cfg:  testConfig(2, 1, 1, 1, 3, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(1, 0), Dst: ep(0, 0), Tag: 0}, {Src: ep(1, 0), Dst: ep(0, 0), Tag: 1},
				{Src: ep(1, 0), Dst: ep(0, 0), Tag: 2},
			},
			want:   []int{0, 1, 2},
			arrive: []uint64{3, 7, 11},
			wantStats: Stats{Packets: 3, Hops: 3, HopsX: 3, LastArrival: 11,
				LatencySum: 21, LatencyMax: 11, StallCycles: 12, InjectStallCycles: 6,
				BackPressureStalls: 3 + 3}, // p1 waits for the credit at 1..3, p2 at 5..7
		},
		{
			// The same stream southward on a 1x2 mesh with HopCyclesY 3.
			name: "link back-pressure depth 1 southward",
			cfg:  testConfig(1, 2, 1, 1, 1, 3, 0, 0, YX),
			pkts: []Packet{
				{Src: ep(1, 0), Dst: ep(0, 0), Tag: 0}, {Src: ep(1, 0), Dst: ep(0, 0), Tag: 1},
				{Src: ep(1, 0), Dst: ep(0, 0), Tag: 2},
			},
			want:   []int{0, 1, 2},
			arrive: []uint64{3, 7, 11},
			wantStats: Stats{Packets: 3, Hops: 3, HopsY: 3, LastArrival: 11,
				LatencySum: 21, LatencyMax: 11, StallCycles: 12, InjectStallCycles: 6,
				BackPressureStalls: 3 + 3}, // p1 waits for the credit at 1..3, p2 at 5..7
		},
		{
			// Same stream with depth 4 >= HopCyclesX+1: full rate.
			name: "link full rate depth 4",
			cfg:  testConfig(2, 1, 1, 4, 3, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 0}, {Src: ep(0, 0), Dst: ep(1, 0), Tag: 1},
				{Src: ep(0, 0), Dst: ep(1, 0), Tag: 2},
			},
			want:   []int{0, 1, 2},
			arrive: []uint64{3, 4, 5},
			wantStats: Stats{Packets: 3, Hops: 3, HopsX: 3, LastArrival: 5,
				LatencySum: 12, LatencyMax: 5, StallCycles: 3, InjectStallCycles: 3},
		},
		{
			// 3x1, hop 1, depth 1. A and B go r0 -> r2 (Inject 0); l0, l1, l2
			// go r2 -> r2 (Inject 0).
			// 0: A r0.E (in r1.W at 1); l0 ejected.
			// 1: B into r0.L0 (queue stall 1) but r1.W holds A: no credit;
			//    A r1.E (in r2.W at 2); l1 injected (stall 1) and ejected.
			// 2: B r0.E (r1.W credit back; buffer stall 1); l2 injected
			//    (stall 2); at r2.L0-out A (W=3) beats l2 (L0=4), ptr -> 4.
			// 3: B r1.E (r2.W credit back); l2 ejected (buffer stall 1).
			// 4: B ejected. Stalls 2+1+3 = 6, of which injection 1+1+2 = 4.
			name: "ejection shared with mesh traffic, credit stall",
			cfg:  testConfig(3, 1, 1, 1, 1, 1, 0, 0, XY),
			pkts: []Packet{
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 0, Tag: 1},
				{Src: ep(0, 0), Dst: ep(2, 0), Inject: 0, Tag: 2},
				{Src: ep(2, 0), Dst: ep(2, 0), Inject: 0, Tag: 3},
				{Src: ep(2, 0), Dst: ep(2, 0), Inject: 0, Tag: 4},
				{Src: ep(2, 0), Dst: ep(2, 0), Inject: 0, Tag: 5},
			},
			want:   []int{2, 3, 0, 4, 1},
			arrive: []uint64{0, 1, 2, 3, 4},
			wantStats: Stats{Packets: 5, Hops: 4, HopsX: 4, LastArrival: 4,
				LatencySum: 0 + 1 + 2 + 3 + 4, LatencyMax: 4, StallCycles: 6, InjectStallCycles: 4,
				BackPressureStalls: 1}, // B at cycle 1
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := make([]Delivery, len(tc.want))
			for i, pi := range tc.want {
				want[i] = Delivery{Packet: tc.pkts[pi], Arrive: tc.arrive[i]}
			}
			checkDeliveries(t, tc.cfg, tc.pkts, want, tc.wantStats)
		})
	}
}

func TestXYvsYX(t *testing.T) {
	// 2x2 mesh: r0 (0,0), r1 (1,0), r2 (0,1), r3 (1,1); HopCyclesX 2,
	// HopCyclesY 3. A: r0 -> r3 port 0 at 0; B: r1 -> r3 port 1 at 2.
	// XY: A goes r0 -E-> r1 (in r1.W at 2) -N-> r3. B wants r1.N at 2 too;
	// W(3) beats L0(4): A in r3 at 5, B leaves at 3, in r3 at 6.
	// YX: A goes r0 -N-> r2 (at 3) -E-> r3 (at 5); B goes r1 -N-> r3 (at 5)
	// alone. Both reach r3 at 5 on different inputs and leave on different
	// ejection ports; tie-break by destination port puts A first.
	a := Packet{Src: ep(0, 0), Dst: ep(3, 0), Inject: 0, Tag: 1}
	b := Packet{Src: ep(1, 0), Dst: ep(3, 1), Inject: 2, Tag: 2}
	tests := []struct {
		alg       Algorithm
		want      []Delivery
		wantStats Stats
	}{
		{XY, []Delivery{{a, 5}, {b, 6}}, Stats{Packets: 2, Hops: 3, HopsX: 1, HopsY: 2,
			LastArrival: 6, LatencySum: 5 + 4, LatencyMax: 5, StallCycles: 1}},
		{YX, []Delivery{{a, 5}, {b, 5}}, Stats{Packets: 2, Hops: 3, HopsX: 1, HopsY: 2,
			LastArrival: 5, LatencySum: 5 + 3, LatencyMax: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.alg.String(), func(t *testing.T) {
			checkDeliveries(t, testConfig(2, 2, 2, 4, 2, 3, 0, 0, tc.alg), []Packet{a, b}, tc.want, tc.wantStats)
		})
	}
}

// randomTraffic returns n packets with uniform random endpoints plus a
// hotspot share to router hot, injected over [0, span) cycles.
func randomTraffic(seed uint64, cfg Config, n int, span uint64, hotShare float64, hot int32) []Packet {
	rng := rand.New(rand.NewPCG(seed, 1))
	nr := int32(cfg.Width * cfg.Height)
	pick := func() Endpoint {
		return Endpoint{Router: rng.Int32N(nr), Port: int16(rng.IntN(cfg.LocalPorts))}
	}
	pkts := make([]Packet, n)
	for i := range pkts {
		dst := pick()
		if rng.Float64() < hotShare {
			dst.Router = hot
		}
		pkts[i] = Packet{Src: pick(), Dst: dst, Inject: rng.Uint64N(span), Tag: uint32(i)}
	}
	return pkts
}

var randomConfigs = []Config{
	testConfig(8, 4, 4, 2, 2, 3, 1, 1, XY),
	testConfig(8, 4, 4, 2, 2, 3, 1, 1, YX),
	testConfig(5, 3, 2, 1, 1, 1, 0, 0, XY),
	testConfig(4, 4, 3, 3, 1, 4, 2, 0, YX),
	testConfig(1, 6, 1, 1, 3, 2, 0, 2, XY),
	testConfig(6, 1, 2, 1, 2, 5, 3, 3, XY),
	// Multi-flit packets, link width and router pipeline delay.
	withFlits(testConfig(6, 4, 2, 4, 1, 2, 1, 1, XY), 3, 1, 1),
	withFlits(testConfig(5, 5, 2, 8, 2, 1, 0, 2, YX), 4, 2, 0),
	withFlits(testConfig(4, 3, 3, 2, 1, 1, 0, 0, XY), 2, 3, 2),
	// A board of 2x2 chips of 4x2 routers with slow off-chip links.
	onBoard(testConfig(8, 4, 2, 4, 2, 3, 1, 1, XY), 4, 2, 9),
	onBoard(testConfig(6, 6, 2, 2, 1, 2, 0, 0, YX), 3, 3, 5),
}

// onBoard splits the mesh into chips of w x h routers joined by off-chip
// links of the given hop latency.
func onBoard(c Config, w, h, offChip int) Config {
	c.ChipWidth, c.ChipHeight, c.OffChipCycles = w, h, offChip
	return c
}

// TestOffChipZeroLoad: a packet from (0,0) to (3,1) on a board of two 2x2
// chips (mesh 4x2) makes two on-chip X hops, one off-chip X hop and one Y
// hop: 2*2 + 10 + 3 = 17 cycles.
func TestOffChipZeroLoad(t *testing.T) {
	cfg := onBoard(testConfig(4, 2, 1, 4, 2, 3, 0, 0, XY), 2, 2, 10)
	for _, step := range []bool{false, true} {
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		src, dst := Endpoint{Router: 0}, Endpoint{Router: m.Router(3, 1)}
		if got := m.ZeroLoadLatency(src, dst); got != 17 {
			t.Errorf("ZeroLoadLatency %d, want 17", got)
		}
		if got := m.OffChipHops(src.Router, dst.Router); got != 1 {
			t.Errorf("OffChipHops %d, want 1", got)
		}
		m.stepEveryCycle = step
		d, st := runOn(t, m, []Packet{{Src: src, Dst: dst, Inject: 5}})
		if len(d) != 1 || d[0].Arrive != 22 || st.HopsOffChip != 1 || st.Hops != 4 {
			t.Errorf("step=%v: deliveries %+v stats %+v; want arrival 22, 1 off-chip hop of 4", step, d, st)
		}
	}
	bad := onBoard(testConfig(4, 2, 1, 4, 2, 3, 0, 0, XY), 3, 2, 10)
	if _, err := New(bad); err == nil {
		t.Error("chips that do not tile the mesh accepted")
	}
}

// withFlits sets the packet size, link width and router pipeline delay.
func withFlits(c Config, flits, width, routerCycles int) Config {
	c.PacketFlits, c.LinkWidth, c.RouterCycles = flits, width, routerCycles
	return c
}

// checkRun verifies exactly-once delivery, the callback order, the
// latency identity and the Stats totals of one Run.
func checkRun(t *testing.T, m *Mesh, pkts []Packet, got []Delivery, st Stats) {
	t.Helper()
	seen := make([]int, len(pkts))
	var zeroSum, hx, hy, last, latMax uint64
	for i, d := range got {
		tag := int(d.Packet.Tag)
		if tag >= len(pkts) || pkts[tag] != d.Packet {
			t.Fatalf("delivery %d: packet %+v was never injected", i, d.Packet)
		}
		seen[tag]++
		if i > 0 {
			p := got[i-1]
			if !key(p).less(key(d)) {
				t.Fatalf("delivery %d (%+v) not after %d (%+v) in (Arrive, Router, Port) order", i, d, i-1, p)
			}
		}
		zl := m.ZeroLoadLatency(d.Packet.Src, d.Packet.Dst)
		if d.Arrive < d.Packet.Inject+zl {
			t.Fatalf("delivery %d: arrive %d before inject %d + zero-load %d", i, d.Arrive, d.Packet.Inject, zl)
		}
		zeroSum += zl
		x, y := m.Hops(d.Packet.Src.Router, d.Packet.Dst.Router)
		hx += uint64(x)
		hy += uint64(y)
		last = max(last, d.Arrive)
		latMax = max(latMax, d.Arrive-d.Packet.Inject)
	}
	for tag, n := range seen {
		if n != 1 {
			t.Fatalf("packet %d delivered %d times, want exactly once", tag, n)
		}
	}
	if st.Packets != uint64(len(pkts)) || st.HopsX != hx || st.HopsY != hy || st.Hops != hx+hy ||
		st.LastArrival != last || st.LatencyMax != latMax {
		t.Fatalf("stats %+v disagree with deliveries: packets %d hopsX %d hopsY %d last %d latMax %d",
			st, len(pkts), hx, hy, last, latMax)
	}
	if st.LatencySum != zeroSum+st.StallCycles {
		t.Fatalf("LatencySum %d != zero-load sum %d + StallCycles %d", st.LatencySum, zeroSum, st.StallCycles)
	}
	if st.InjectStallCycles > st.StallCycles {
		t.Fatalf("InjectStallCycles %d > StallCycles %d", st.InjectStallCycles, st.StallCycles)
	}
}

type orderKey struct {
	arrive uint64
	ri     int32
	port   int16
}

func key(d Delivery) orderKey { return orderKey{d.Arrive, d.Packet.Dst.Router, d.Packet.Dst.Port} }

func (a orderKey) less(b orderKey) bool {
	if a.arrive != b.arrive {
		return a.arrive < b.arrive
	}
	if a.ri != b.ri {
		return a.ri < b.ri
	}
	return a.port < b.port
}

func TestRandomTrafficExactlyOnceAndSkipEqualsStep(t *testing.T) {
	for ci, cfg := range randomConfigs {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("cfg%d/seed%d", ci, seed), func(t *testing.T) {
				nr := int32(cfg.Width * cfg.Height)
				pkts := randomTraffic(seed, cfg, 600, 150, 0.3, nr/2)
				skipD, skipS := simulate(t, cfg, pkts, false)
				stepD, stepS := simulate(t, cfg, pkts, true)
				m, _ := New(cfg)
				checkRun(t, m, pkts, skipD, skipS)
				if skipS.StallCycles == 0 {
					t.Fatalf("traffic has no contention; the test would prove nothing")
				}
				if d := diffDeliveries(skipD, stepD); d != "" {
					t.Fatalf("skipping idle cycles changed deliveries:%s", d)
				}
				if skipS != stepS {
					t.Fatalf("skipping idle cycles changed stats:\n skip %+v\n step %+v", skipS, stepS)
				}
			})
		}
	}
}

// TestVisitOrderIrrelevant checks the two-phase claim of doc.go: visiting
// routers in descending order changes only the order of same-cycle
// deliveries. Credits returned at cycle c must not be usable at c even by
// an upstream router visited after the one that freed them.
func TestVisitOrderIrrelevant(t *testing.T) {
	for ci, cfg := range randomConfigs {
		t.Run(fmt.Sprintf("cfg%d", ci), func(t *testing.T) {
			nr := int32(cfg.Width * cfg.Height)
			pkts := randomTraffic(5, cfg, 600, 150, 0.3, nr/2)
			ascD, ascS := simulate(t, cfg, pkts, true)
			m, _ := New(cfg)
			m.stepEveryCycle, m.visitDescending = true, true
			descD, descS := runOn(t, m, pkts)
			slices.SortFunc(descD, func(a, b Delivery) int {
				if key(a).less(key(b)) {
					return -1
				}
				return 1
			})
			if d := diffDeliveries(descD, ascD); d != "" {
				t.Fatalf("descending visit order changed deliveries:%s", d)
			}
			if descS != ascS {
				t.Fatalf("descending visit order changed stats:\n desc %+v\n asc  %+v", descS, ascS)
			}
		})
	}
}

func TestDeterminismAndReuse(t *testing.T) {
	cfg := randomConfigs[0]
	pkts := randomTraffic(7, cfg, 800, 100, 0.2, 9)
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	firstD, firstS := runOn(t, m, pkts)
	// A different Run in between must leave no trace (buffers, arbiters).
	runOn(t, m, randomTraffic(8, cfg, 300, 20, 0.5, 3))
	againD, againS := runOn(t, m, pkts)
	freshD, freshS := simulate(t, cfg, pkts, false)
	for name, r := range map[string]struct {
		d []Delivery
		s Stats
	}{"same mesh again": {againD, againS}, "fresh mesh": {freshD, freshS}} {
		if d := diffDeliveries(r.d, firstD); d != "" {
			t.Errorf("%s: deliveries differ:%s", name, d)
		}
		if r.s != firstS {
			t.Errorf("%s: stats %+v, want %+v", name, r.s, firstS)
		}
	}
	if m.Pending() != 0 {
		t.Errorf("Pending after Run = %d, want 0", m.Pending())
	}
}

func TestInjectOrderIrrelevant(t *testing.T) {
	// With at most one packet per (source endpoint, Inject cycle), the
	// order of Inject calls must not matter.
	cfg := randomConfigs[1]
	rng := rand.New(rand.NewPCG(3, 4))
	var pkts []Packet
	for c := range uint64(60) {
		for ri := range int32(cfg.Width * cfg.Height) {
			for l := range int16(cfg.LocalPorts) {
				if rng.IntN(4) == 0 {
					dst := Endpoint{Router: rng.Int32N(int32(cfg.Width * cfg.Height)), Port: int16(rng.IntN(cfg.LocalPorts))}
					pkts = append(pkts, Packet{Src: ep(ri, l), Dst: dst, Inject: c, Tag: uint32(len(pkts))})
				}
			}
		}
	}
	wantD, wantS := simulate(t, cfg, pkts, false)
	shuffled := slices.Clone(pkts)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	gotD, gotS := simulate(t, cfg, shuffled, false)
	if d := diffDeliveries(gotD, wantD); d != "" {
		t.Errorf("shuffled Inject calls changed deliveries:%s", d)
	}
	if gotS != wantS {
		t.Errorf("shuffled Inject calls changed stats: %+v, want %+v", gotS, wantS)
	}
}

func TestRunEmpty(t *testing.T) {
	m, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	if st := m.Run(func(Delivery) { calls++ }); st != (Stats{}) || calls != 0 {
		t.Errorf("empty Run: stats %+v, %d calls; want zero", st, calls)
	}
}

func TestInjectErrors(t *testing.T) {
	m, err := New(testConfig(3, 2, 2, 1, 1, 1, 0, 0, XY))
	if err != nil {
		t.Fatal(err)
	}
	ok := ep(5, 1)
	tests := []struct {
		name string
		p    Packet
		want string // substring of the error; "" means no error
	}{
		{"valid", Packet{Src: ok, Dst: ep(0, 0)}, ""},
		{"src router high", Packet{Src: ep(6, 0), Dst: ok}, "Src.Router 6 outside [0, 6)"},
		{"src router negative", Packet{Src: ep(-1, 0), Dst: ok}, "Src.Router -1"},
		{"dst port high", Packet{Src: ok, Dst: ep(0, 2)}, "Dst.Port 2 outside [0, 2)"},
		{"dst port negative", Packet{Src: ok, Dst: ep(0, -1)}, "Dst.Port -1"},
		{"inject too late", Packet{Src: ok, Dst: ok, Inject: MaxInject + 1}, "exceeds MaxInject"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := m.Inject(tc.p)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "router: ")):
				t.Fatalf("error %v, want one starting with \"router: \" containing %q", err, tc.want)
			}
		})
	}
	if m.Pending() != 1 {
		t.Errorf("Pending = %d, want 1 (only the valid packet)", m.Pending())
	}
	var inner error
	m.Run(func(Delivery) { inner = m.Inject(Packet{Src: ok, Dst: ok}) })
	if inner == nil || !strings.Contains(inner.Error(), "during Run") {
		t.Errorf("Inject from deliver callback: error %v, want \"during Run\"", inner)
	}
}

func TestRunDoesNotAllocate(t *testing.T) {
	cfg := randomConfigs[0]
	pkts := randomTraffic(11, cfg, 1000, 200, 0.2, 5)
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	deliver := func(Delivery) { n++ }
	run := func() {
		for _, p := range pkts {
			if err := m.Inject(p); err != nil {
				t.Fatal(err)
			}
		}
		m.Run(deliver)
	}
	run() // grow the reusable buffers
	if allocs := testing.AllocsPerRun(5, run); allocs != 0 {
		t.Errorf("steady-state Inject+Run allocates %.1f times, want 0", allocs)
	}
}

func TestCoordHops(t *testing.T) {
	m, err := New(testConfig(5, 3, 1, 1, 1, 1, 0, 0, XY))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		a, b         int32
		ax, ay       int
		hopsX, hopsY int
	}{
		{0, 14, 0, 0, 4, 2},
		{14, 0, 4, 2, 4, 2},
		{7, 7, 2, 1, 0, 0},
		{9, 5, 4, 1, 4, 0},
		{3, 13, 3, 0, 0, 2},
	}
	for _, tc := range tests {
		if x, y := m.Coord(tc.a); x != tc.ax || y != tc.ay {
			t.Errorf("Coord(%d) = (%d,%d), want (%d,%d)", tc.a, x, y, tc.ax, tc.ay)
		}
		if r := m.Router(tc.ax, tc.ay); r != tc.a {
			t.Errorf("Router(%d,%d) = %d, want %d", tc.ax, tc.ay, r, tc.a)
		}
		if x, y := m.Hops(tc.a, tc.b); x != tc.hopsX || y != tc.hopsY {
			t.Errorf("Hops(%d,%d) = (%d,%d), want (%d,%d)", tc.a, tc.b, x, y, tc.hopsX, tc.hopsY)
		}
	}
}

func TestPickRoundRobin(t *testing.T) {
	tests := []struct {
		reqs uint64
		ptr  uint
		want uint
	}{
		{0b11000, 0, 3},
		{0b11000, 4, 4},
		{0b11000, 5, 3}, // wraps around
		{0b00001, 7, 0},
		{1 << 63, 63, 63},
		{1<<63 | 1, 1, 63},
	}
	for _, tc := range tests {
		if got := pickRoundRobin(tc.reqs, tc.ptr); got != tc.want {
			t.Errorf("pickRoundRobin(%b, %d) = %d, want %d", tc.reqs, tc.ptr, got, tc.want)
		}
	}
}

// TestInjectAll checks that InjectAll queues what Inject would, and that a
// bad packet anywhere in the batch is named and queues nothing.
func TestInjectAll(t *testing.T) {
	cfg := withFlits(testConfig(8, 4, 4, 6, 2, 3, 1, 1, XY), 3, 1, 1)
	one, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	all, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	g1 := randomGroups(t, one, rng, 6, 5)
	rng = rand.New(rand.NewPCG(5, 6))
	g2 := randomGroups(t, all, rng, 6, 5)
	if !slices.Equal(g1, g2) {
		t.Fatal("the two meshes got different groups")
	}
	pkts := mixedTraffic(one, 4, g1, 500, 100)
	want, wantSt := runOn(t, one, pkts)
	if err := all.InjectAll(pkts); err != nil {
		t.Fatal(err)
	}
	var got []Delivery
	st := all.Run(func(d Delivery) { got = append(got, d) })
	if !slices.Equal(got, want) || st != wantSt {
		t.Errorf("InjectAll then Run differs from Inject one by one (%d vs %d deliveries)", len(got), len(want))
	}

	ok := ep(5, 1)
	bad := []struct {
		p    Packet
		want string
	}{
		{Packet{Src: ep(32, 0), Dst: ok}, "Src.Router 32 outside [0, 32)"},
		{Packet{Src: ok, Dst: ep(0, 4)}, "Dst.Port 4 outside [0, 4)"},
		{Packet{Src: ok, Dst: ep(0, -1)}, "Dst.Port -1"},
		{Packet{Src: ok, Dst: ok, Inject: MaxInject + 1}, "exceeds MaxInject"},
		{Packet{Src: ok, Group: 99}, "Group 99 is not a multicast group"},
	}
	for _, tc := range bad {
		err := all.InjectAll([]Packet{{Src: ok, Dst: ok}, tc.p})
		if err == nil || !strings.HasPrefix(err.Error(), "router: ") || !strings.Contains(err.Error(), tc.want) ||
			!strings.Contains(err.Error(), "packet 1 of 2") {
			t.Errorf("InjectAll with %+v: error %v, want one naming packet 1 of 2 and %q", tc.p, err, tc.want)
		}
		if all.Pending() != 0 {
			t.Fatalf("InjectAll queued %d packets of a bad batch, want 0", all.Pending())
		}
	}
}

// TestClone checks that a clone routes unicast and multicast traffic
// exactly as the original, and that both are independent.
func TestClone(t *testing.T) {
	cfg := withFlits(testConfig(8, 4, 4, 6, 2, 3, 1, 1, XY), 2, 1, 1)
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := randomGroups(t, m, rand.New(rand.NewPCG(9, 9)), 8, 6)
	c, err := m.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if c.NumGroups() != m.NumGroups() {
		t.Fatalf("clone has %d groups, want %d", c.NumGroups(), m.NumGroups())
	}
	pkts := mixedTraffic(m, 3, groups, 400, 80)
	for _, p := range pkts[:10] { // pending on the original only
		if err := m.Inject(p); err != nil {
			t.Fatal(err)
		}
	}
	if c.Pending() != 0 {
		t.Fatalf("clone shares pending packets: %d", c.Pending())
	}
	m.Run(nil)
	want, wantSt := runOn(t, m, pkts)
	got, st := runOn(t, c, pkts)
	if !slices.Equal(got, want) || st != wantSt {
		t.Errorf("clone routes differently: %d vs %d deliveries, stats %+v vs %+v", len(got), len(want), st, wantSt)
	}
}

// TestLocalBursts checks the lone-router fast path (evalLocal) against
// stepping every router every cycle, which never takes it: bursts from
// one endpoint to the other endpoints of its own router, as host input
// into co-located cores, mixed with remote and multicast packets, on
// meshes where the fast path applies (one cycle per link, no injection or
// router delay), with shallow and deep buffers and ejection delays.
func TestLocalBursts(t *testing.T) {
	configs := []Config{
		testConfig(8, 4, 5, 16, 8, 13, 0, 0, XY), // the loihi preset's mesh
		testConfig(3, 2, 4, 1, 1, 2, 0, 0, XY),
		testConfig(2, 2, 3, 2, 2, 1, 0, 3, YX),
		withFlits(testConfig(4, 2, 3, 4, 1, 1, 0, 0, XY), 1, 1, 0),
	}
	var fast uint64
	for ci, cfg := range configs {
		for seed := range uint64(6) {
			rng := rand.New(rand.NewPCG(seed, uint64(ci)))
			nr := int32(cfg.Width * cfg.Height)
			var pkts []Packet
			for range 1 + rng.IntN(4) { // bursts
				src := Endpoint{Router: rng.Int32N(nr), Port: int16(rng.IntN(cfg.LocalPorts))}
				at := rng.Uint64N(300)
				for k := range 20 + rng.IntN(200) {
					dst := Endpoint{Router: src.Router, Port: int16(rng.IntN(cfg.LocalPorts))}
					if rng.IntN(10) == 0 { // now and then a packet elsewhere
						dst.Router = rng.Int32N(nr)
					}
					pkts = append(pkts, Packet{Src: src, Dst: dst, Inject: at + uint64(k/8*rng.IntN(3)), Tag: uint32(len(pkts))})
				}
			}
			pkts = append(pkts, randomTraffic(seed, cfg, 30, 400, 0, 0)...)
			// After a burst from port 0 to port 2 of router 0, ports 0 and 1
			// send to port 2 at once: the arbiter state the burst left
			// decides who goes first.
			for range 12 {
				pkts = append(pkts, Packet{Src: Endpoint{Router: 0, Port: 0}, Dst: Endpoint{Router: 0, Port: 2}, Inject: 1000})
			}
			for p := range int16(2) {
				pkts = append(pkts, Packet{Src: Endpoint{Router: 0, Port: p}, Dst: Endpoint{Router: 0, Port: 2}, Inject: 1100, Tag: uint32(p)})
			}
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !m.fastLocal {
				t.Fatalf("config %d: fast path does not apply", ci)
			}
			groups := randomGroups(t, m, rand.New(rand.NewPCG(seed, 7)), 3, 4)
			for i := 0; i < len(pkts); i += 17 {
				g := groups[i%len(groups)]
				pkts[i].Group, pkts[i].Src = g, m.groups[g-1].src
			}
			step, err := m.Clone()
			if err != nil {
				t.Fatal(err)
			}
			step.stepEveryCycle = true
			want, wantSt := runOn(t, step, pkts)
			got, st := runOn(t, m, pkts)
			if !slices.Equal(got, want) || st != wantSt {
				t.Errorf("config %d seed %d: %d deliveries, stats %+v; stepping every cycle: %d, %+v", ci, seed, len(got), st, len(want), wantSt)
			}
			fast += m.localCycles
		}
	}
	if fast == 0 {
		t.Error("the fast path never ran")
	}
	t.Logf("%d router cycles on the fast path", fast)
}
