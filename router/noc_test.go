package router

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestZeroLoadClosedFormFlits(t *testing.T) {
	// 4x3 mesh, HopCyclesX 2, HopCyclesY 3, InjectCycles 1, EjectCycles 2,
	// BufferDepth 8. Hand-computed from Inject + (h+1)*R + hx*2 + hy*3 +
	// (ceil(F/W)-1) + 2.
	tests := []struct {
		name                 string
		flits, width, router int
		src, dst             Endpoint
		lat                  uint64
	}{
		{"F4 W1 R1 (0,0)->(3,2)", 4, 1, 1, ep(0, 0), ep(11, 1), 1 + 6*1 + 3*2 + 2*3 + 3 + 2}, // 24
		{"F4 W2 R1 (0,0)->(3,2)", 4, 2, 1, ep(0, 0), ep(11, 1), 1 + 6 + 6 + 6 + 1 + 2},       // 22
		{"F4 W4 R1 (0,0)->(3,2)", 4, 4, 1, ep(0, 0), ep(11, 1), 1 + 6 + 6 + 6 + 0 + 2},       // 21
		{"F4 W8 R1 wider than the packet", 4, 8, 1, ep(0, 0), ep(11, 1), 21},
		{"F5 W2 R0 (3,2)->(0,0)", 5, 2, 0, ep(11, 0), ep(0, 1), 1 + 0 + 3*2 + 2*3 + 2 + 2},  // 17
		{"F1 W1 R2 (1,2)->(1,0)", 1, 1, 2, ep(9, 0), ep(1, 0), 1 + 3*2 + 0 + 2*3 + 0 + 2},   // 15
		{"F8 W3 R3 own router", 8, 3, 3, ep(5, 0), ep(5, 1), 1 + 1*3 + 0 + 0 + 2 + 2},       // 8
		{"F2 W1 R0 (0,1)->(3,1)", 2, 1, 0, ep(4, 0), ep(7, 0), 1 + 0 + 3*2 + 0 + 1 + 2},     // 10
		{"F3 W1 R1 (2,0)->(2,2)", 3, 1, 1, ep(2, 0), ep(10, 0), 1 + 3*1 + 0 + 2*3 + 2 + 2},  // 14
		{"F6 W4 R2 (0,2)->(3,0)", 6, 4, 2, ep(8, 1), ep(3, 0), 1 + 6*2 + 3*2 + 2*3 + 1 + 2}, // 28
		{"F0 W0 read as 1", 0, 0, 0, ep(0, 0), ep(11, 1), 1 + 0 + 3*2 + 2*3 + 0 + 2},        // 15
		{"F7 W7 R0 (1,1)->(2,2)", 7, 7, 0, ep(5, 1), ep(10, 1), 1 + 0 + 1*2 + 1*3 + 0 + 2},  // 8
		{"F4 W3 R0 (1,1)->(2,2)", 4, 3, 0, ep(5, 1), ep(10, 1), 1 + 0 + 1*2 + 1*3 + 1 + 2},  // 9
		{"F2 W2 R4 (0,0)->(1,0)", 2, 2, 4, ep(0, 0), ep(1, 0), 1 + 2*4 + 1*2 + 0 + 0 + 2},   // 13
		{"F5 W1 R1 own router", 5, 1, 1, ep(5, 0), ep(5, 1), 1 + 1 + 0 + 0 + 4 + 2},         // 8
		{"F7 W2 R2 (3,0)->(0,2)", 7, 2, 2, ep(3, 1), ep(8, 0), 1 + 6*2 + 3*2 + 2*3 + 3 + 2}, // 30
		{"F1 W1 R5 (0,0)->(3,0)", 1, 1, 5, ep(0, 0), ep(3, 0), 1 + 4*5 + 3*2 + 0 + 0 + 2},   // 29
	}
	for _, tc := range tests {
		for _, alg := range []Algorithm{XY, YX} {
			t.Run(tc.name+"/"+alg.String(), func(t *testing.T) {
				cfg := withFlits(testConfig(4, 3, 2, 8, 2, 3, 1, 2, alg), tc.flits, tc.width, tc.router)
				p := Packet{Src: tc.src, Dst: tc.dst, Inject: 5, Tag: 3}
				m, err := New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if got := m.ZeroLoadLatency(tc.src, tc.dst); got != tc.lat {
					t.Fatalf("ZeroLoadLatency = %d, want %d", got, tc.lat)
				}
				hx, hy := m.Hops(tc.src.Router, tc.dst.Router)
				flits := uint64(max(tc.flits, 1))
				checkDeliveries(t, cfg, []Packet{p}, []Delivery{{p, 5 + tc.lat}}, Stats{
					Packets: 1, Hops: uint64(hx + hy), HopsX: uint64(hx), HopsY: uint64(hy),
					FlitHops: uint64(hx+hy) * flits, LastArrival: 5 + tc.lat, LatencySum: tc.lat, LatencyMax: tc.lat,
				})
			})
		}
	}
}

func TestLinkWidthAndCredits(t *testing.T) {
	// Four packets of 4 flits from r0 to r1 on a 2x1 mesh, hop 1, all
	// injected at 0. S = ceil(4/W) cycles per packet on every link.
	//
	// Depth 8 (>= F*ceil((H+S)/S)): packet k leaves the queue at k*S (the
	// injection link is busy S cycles), is granted East at once, lands in
	// r1.W a cycle later, ejects, and its tail is delivered S-1 cycles
	// after that: Arrive = k*S + 1 + S - 1 = (k+1)*S.
	//
	// Depth 4 = F, W 1: p0 East at 0, delivered 4; r1.W frees at 1, its
	// credits are back at 1+4 = 5. p1 in r0.L0 at 4 (its credit is back at
	// 0+4), waits one cycle for r1.W (back-pressure), East at 5, delivered
	// 9. p2: r0.L0 credit back at 5+4 = 9, r1.W back at 6+4 = 10: East at
	// 10, delivered 14. p3 likewise at 15, delivered 19: one packet per
	// H+S = 5 cycles instead of 4.
	tests := []struct {
		name         string
		width, depth int
		arrive       []uint64
		injStall     uint64
		backPressure uint64
	}{
		{"W1 depth 8", 1, 8, []uint64{4, 8, 12, 16}, 0 + 4 + 8 + 12, 0},
		{"W2 depth 8", 2, 8, []uint64{2, 4, 6, 8}, 0 + 2 + 4 + 6, 0},
		{"W4 depth 8", 4, 8, []uint64{1, 2, 3, 4}, 0 + 1 + 2 + 3, 0},
		{"W1 depth 4", 1, 4, []uint64{4, 9, 14, 19}, 0 + 4 + 9 + 14, 1 + 1 + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := withFlits(testConfig(2, 1, 1, tc.depth, 1, 1, 0, 0, XY), 4, tc.width, 0)
			var pkts []Packet
			var want []Delivery
			var latSum uint64
			for k := range 4 {
				p := Packet{Src: ep(0, 0), Dst: ep(1, 0), Tag: uint32(k)}
				pkts = append(pkts, p)
				want = append(want, Delivery{p, tc.arrive[k]})
				latSum += tc.arrive[k]
			}
			zl := uint64(1 + (4+tc.width-1)/tc.width - 1)
			last := tc.arrive[3]
			checkDeliveries(t, cfg, pkts, want, Stats{
				Packets: 4, Hops: 4, HopsX: 4, LastArrival: last, LatencySum: latSum, LatencyMax: last,
				StallCycles: latSum - 4*zl, InjectStallCycles: tc.injStall, BackPressureStalls: tc.backPressure,
			})
			m, _ := New(cfg)
			runOn(t, m, pkts)
			if got := m.LinkFlits(0, East); got != 16 {
				t.Errorf("LinkFlits(r0, E) = %d, want 16", got)
			}
			if got := m.LinkFlits(1, LocalPort(0)); got != 16 {
				t.Errorf("LinkFlits(r1, L0) = %d, want 16", got)
			}
			if got := m.LinkFlits(1, West); got != 0 {
				t.Errorf("LinkFlits(r1, W) = %d, want 0", got)
			}
			wantU := 16 / float64(tc.width*int(last+1))
			if got := m.LinkUtilization(0, East, last+1); got != wantU {
				t.Errorf("LinkUtilization = %g, want %g", got, wantU)
			}
		})
	}
}

// multicastCase is the group of TestMulticast on a 4x3 mesh (router
// y*4+x), source r0 port 0, XY routing.
var multicastDsts = []Endpoint{ep(2, 0), ep(6, 1), ep(10, 0), ep(0, 1), ep(3, 0)}

func TestMulticast(t *testing.T) {
	// XY paths from r0: r2 E,E; r6 E,E,N; r10 E,E,N,N; r0.L1 local; r3
	// E,E,E. Tree: r0 {E, L1}, r1 {E}, r2 {E, N, L0}, r3 {L0}, r6 {N, L1},
	// r10 {L0}: 6 table entries, 3 X links + 2 Y links = 5 hops, against
	// 2+3+4+0+3 = 12 for unicast. HopCyclesX 2, HopCyclesY 3, Inject 1,
	// Eject 1: alone, the copies arrive at 1+1 = 2 (r0.L1), 1+4+1 = 6
	// (r2), 1+6+1 = 8 (r3), 1+4+3+1 = 9 (r6), 1+4+6+1 = 12 (r10).
	cfg := testConfig(4, 3, 2, 2, 2, 3, 1, 1, XY)
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.AddGroup(ep(0, 0), multicastDsts)
	if err != nil {
		t.Fatal(err)
	}
	if g != 1 || m.NumGroups() != 1 {
		t.Fatalf("AddGroup = %d (NumGroups %d), want 1 (1)", g, m.NumGroups())
	}
	wantEntries := []int{1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 1, 0}
	for ri, w := range wantEntries {
		if got := m.TableEntries(int32(ri)); got != w {
			t.Errorf("TableEntries(%d) = %d, want %d", ri, got, w)
		}
	}
	if x, y := m.GroupHops(g); x != 3 || y != 2 {
		t.Errorf("GroupHops = (%d,%d), want (3,2)", x, y)
	}
	p := Packet{Src: ep(0, 0), Group: g, Tag: 77}
	at := func(dst Endpoint, arrive uint64) Delivery {
		q := p
		q.Dst = dst
		return Delivery{q, arrive}
	}
	want := []Delivery{at(ep(0, 1), 2), at(ep(2, 0), 6), at(ep(3, 0), 8), at(ep(6, 1), 9), at(ep(10, 0), 12)}
	wantStats := Stats{Injected: 1, Packets: 5, Hops: 5, HopsX: 3, HopsY: 2, FlitHops: 5,
		LastArrival: 12, LatencySum: 2 + 6 + 8 + 9 + 12, LatencyMax: 12, DrainCycles: 12}
	for _, step := range []bool{false, true} {
		m.stepEveryCycle = step
		got, st := runOn(t, m, []Packet{p})
		if d := diffDeliveries(got, want); d != "" {
			t.Errorf("step=%v: deliveries differ:%s", step, d)
		}
		if st != wantStats {
			t.Errorf("step=%v: stats\n got  %+v\n want %+v", step, st, wantStats)
		}
		for _, d := range got {
			if zl := m.ZeroLoadLatency(p.Src, d.Packet.Dst); d.Arrive != zl {
				t.Errorf("delivery to %+v at %d, zero-load %d", d.Packet.Dst, d.Arrive, zl)
			}
		}
	}
	// The same destinations by unicast: x 2+2+2+0+3 = 9, y 0+1+2+0+0 = 3.
	var uni []Packet
	for i, d := range multicastDsts {
		uni = append(uni, Packet{Src: ep(0, 0), Dst: d, Tag: uint32(i)})
	}
	m.stepEveryCycle = false
	if _, st := runOn(t, m, uni); st.Hops != 12 || st.HopsX != 9 || st.HopsY != 3 {
		t.Errorf("unicast hops %d (x %d, y %d), want 12 (9, 3)", st.Hops, st.HopsX, st.HopsY)
	}
	// With 3-flit packets each tree link carries 3 flits once.
	m3, _ := New(withFlits(testConfig(4, 3, 2, 4, 2, 3, 1, 1, XY), 3, 1, 0))
	g3, _ := m3.AddGroup(ep(0, 0), multicastDsts)
	_, st := runOn(t, m3, []Packet{{Src: ep(0, 0), Group: g3}})
	if st.FlitHops != 15 {
		t.Errorf("3-flit multicast FlitHops = %d, want 15", st.FlitHops)
	}
	for _, l := range []struct {
		ri   int32
		out  Port
		want uint64
	}{{0, East, 3}, {1, East, 3}, {2, East, 3}, {2, North, 3}, {6, North, 3}, {0, LocalPort(1), 3}, {0, North, 0}, {6, LocalPort(0), 0}} {
		if got := m3.LinkFlits(l.ri, l.out); got != l.want {
			t.Errorf("LinkFlits(%d, %v) = %d, want %d", l.ri, l.out, got, l.want)
		}
	}
}

func TestMulticastYXTree(t *testing.T) {
	// YX on the same group: r0 -> r2 goes E,E; r6 N then E,E; r10 N,N then
	// E,E; r3 E,E,E. Tree: r0 {E, N, L1}, r1 {E}, r2 {E, L0}, r3 {L0},
	// r4 {E, N}, r5 {E}, r6 {L1}, r8 {E}, r9 {E}, r10 {L0}: X links r0E r1E
	// r2E r4E r5E r8E r9E = 7, Y links r0N r4N = 2.
	m, _ := New(testConfig(4, 3, 2, 2, 2, 3, 1, 1, YX))
	g, err := m.AddGroup(ep(0, 0), multicastDsts)
	if err != nil {
		t.Fatal(err)
	}
	if x, y := m.GroupHops(g); x != 7 || y != 2 {
		t.Errorf("GroupHops = (%d,%d), want (7,2)", x, y)
	}
	total := 0
	for ri := range int32(12) {
		total += m.TableEntries(ri)
	}
	if total != 10 {
		t.Errorf("table entries %d, want 10", total)
	}
	_, st := runOn(t, m, []Packet{{Src: ep(0, 0), Group: g}})
	if st.Hops != 9 || st.Packets != 5 {
		t.Errorf("hops %d, deliveries %d; want 9, 5", st.Hops, st.Packets)
	}
}

func TestMulticastContention(t *testing.T) {
	// 3x1 mesh, hop 1, depth 1, no stage delays. Group g: r0 -> {r1.L0,
	// r2.L0}; tree r0 {E}, r1 {E, L0}, r2 {L0}. Packet A (group, Inject 0)
	// and unicast B from r1 to r2 (Inject 1).
	// 0: A r0.E; in r1.W at 1.
	// 1: at r1, A requests E and L0; B (in r1.L0 at 1) requests E.
	//    E: W(3) beats L0(4), A's copy goes East (in r2.W at 2); L0-out:
	//    A ejected, delivered at 1. A leaves r1.W.
	// 2: B requests r1.E, but r2.W, which A's copy entered at 2 and left
	//    (ejected, delivered at 2) at once, has its credit back only at 3:
	//    back-pressure 1.
	// 3: B r1.E, in r2.W at 4, delivered at 4. B waited 1..2 (stall 2).
	cfg := testConfig(3, 1, 1, 1, 1, 1, 0, 0, XY)
	m, _ := New(cfg)
	g, err := m.AddGroup(ep(0, 0), []Endpoint{ep(1, 0), ep(2, 0)})
	if err != nil {
		t.Fatal(err)
	}
	a := Packet{Src: ep(0, 0), Group: g, Tag: 1}
	b := Packet{Src: ep(1, 0), Dst: ep(2, 0), Inject: 1, Tag: 2}
	a1, a2 := a, a
	a1.Dst, a2.Dst = ep(1, 0), ep(2, 0)
	want := []Delivery{{a1, 1}, {a2, 2}, {b, 4}}
	wantStats := Stats{Injected: 2, Packets: 3, Hops: 3, HopsX: 3, FlitHops: 3, LastArrival: 4,
		LatencySum: 1 + 2 + 3, LatencyMax: 3, DrainCycles: 3, StallCycles: 2, BackPressureStalls: 1}
	for _, step := range []bool{false, true} {
		m.stepEveryCycle = step
		got, st := runOn(t, m, []Packet{a, b})
		if d := diffDeliveries(got, want); d != "" {
			t.Errorf("step=%v: deliveries differ:%s", step, d)
		}
		if st != wantStats {
			t.Errorf("step=%v: stats\n got  %+v\n want %+v", step, st, wantStats)
		}
	}
}

func TestTableCapacity(t *testing.T) {
	m, err := New(Config{Width: 3, Height: 1, LocalPorts: 2, BufferDepth: 2, HopCyclesX: 1, HopCyclesY: 1, TableCapacity: 2})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		src  Endpoint
		dsts []Endpoint
		want string // error substring; "" = success
		cnt  [3]int // entries per router afterwards
	}{
		{ep(0, 0), []Endpoint{ep(2, 0)}, "", [3]int{1, 1, 1}},
		{ep(0, 1), []Endpoint{ep(1, 0), ep(1, 1)}, "", [3]int{2, 2, 1}},
		{ep(2, 0), []Endpoint{ep(0, 0)}, "needs a table entry at router 0 (0,0), which already holds 2 of TableCapacity 2 entries", [3]int{2, 2, 1}},
		{ep(2, 0), []Endpoint{ep(2, 1)}, "", [3]int{2, 2, 2}},
		{ep(2, 1), []Endpoint{ep(2, 0)}, "router 2 (2,0), which already holds 2", [3]int{2, 2, 2}},
		{ep(0, 0), []Endpoint{ep(1, 0), ep(1, 0)}, "repeats a destination", [3]int{2, 2, 2}},
		{ep(0, 0), nil, "no destinations", [3]int{2, 2, 2}},
		{ep(0, 0), []Endpoint{ep(3, 0)}, "dsts[0].Router 3 outside [0, 3)", [3]int{2, 2, 2}},
		{ep(0, 2), []Endpoint{ep(1, 0)}, "src.Port 2 outside [0, 2)", [3]int{2, 2, 2}},
	}
	for i, s := range steps {
		_, err := m.AddGroup(s.src, s.dsts)
		switch {
		case s.want == "" && err != nil:
			t.Fatalf("step %d: %v", i, err)
		case s.want != "" && (err == nil || !strings.Contains(err.Error(), s.want) || !strings.HasPrefix(err.Error(), "router: ")):
			t.Fatalf("step %d: error %v, want one containing %q", i, err, s.want)
		}
		for ri, w := range s.cnt {
			if got := m.TableEntries(int32(ri)); got != w {
				t.Errorf("step %d: TableEntries(%d) = %d, want %d", i, ri, got, w)
			}
		}
	}
	if m.NumGroups() != 3 {
		t.Errorf("NumGroups = %d, want 3", m.NumGroups())
	}
	// Packet errors.
	for _, tc := range []struct {
		p    Packet
		want string
	}{
		{Packet{Src: ep(0, 0), Group: 4}, "Group 4 is not a multicast group of this mesh (3 groups)"},
		{Packet{Src: ep(0, 0), Group: -1}, "Group -1 is not"},
		{Packet{Src: ep(1, 0), Group: 1}, "must be the group's source"},
	} {
		if err := m.Inject(tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Inject(%+v) = %v, want %q", tc.p, err, tc.want)
		}
	}
	if err := m.Inject(Packet{Src: ep(0, 0), Group: 1}); err != nil {
		t.Fatal(err)
	}
	if err := m.ClearGroups(); err == nil || !strings.Contains(err.Error(), "pending") {
		t.Errorf("ClearGroups with a pending group packet: %v", err)
	}
	m.Run(nil)
	if err := m.ClearGroups(); err != nil {
		t.Fatal(err)
	}
	if m.NumGroups() != 0 || m.TableEntries(0) != 0 {
		t.Errorf("after ClearGroups: %d groups, %d entries at r0", m.NumGroups(), m.TableEntries(0))
	}
}

// randomGroups registers n groups of up to maxDsts random destinations.
func randomGroups(t testing.TB, m *Mesh, rng *rand.Rand, n, maxDsts int) []GroupID {
	t.Helper()
	cfg := m.Config()
	nr := int32(cfg.Width * cfg.Height)
	var ids []GroupID
	for range n {
		src := Endpoint{Router: rng.Int32N(nr), Port: int16(rng.IntN(cfg.LocalPorts))}
		var dsts []Endpoint
		for range 1 + rng.IntN(maxDsts) {
			d := Endpoint{Router: rng.Int32N(nr), Port: int16(rng.IntN(cfg.LocalPorts))}
			if !slices.Contains(dsts, d) {
				dsts = append(dsts, d)
			}
		}
		g, err := m.AddGroup(src, dsts)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g)
	}
	return ids
}

// mixedTraffic returns unicast traffic with every third packet turned into
// a packet of a random group.
func mixedTraffic(m *Mesh, seed uint64, groups []GroupID, n int, span uint64) []Packet {
	cfg := m.Config()
	pkts := randomTraffic(seed, cfg, n, span, 0.2, int32(cfg.Width*cfg.Height/2))
	for i := 0; i < len(pkts); i += 3 {
		g := groups[i%len(groups)]
		pkts[i].Group = g
		pkts[i].Src = m.groups[g-1].src
		pkts[i].Dst = Endpoint{}
	}
	return pkts
}

// TestMulticastRandomExactlyOnce runs mixed unicast and multicast traffic
// on every random configuration and checks exactly-once delivery per
// (packet, destination), latency lower bounds, hop totals, and that
// skipping idle cycles and the router visiting order change nothing.
func TestMulticastRandomExactlyOnce(t *testing.T) {
	for ci, cfg := range randomConfigs {
		t.Run(fmt.Sprintf("cfg%d", ci), func(t *testing.T) {
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(uint64(ci), 9))
			groups := randomGroups(t, m, rng, 6, 5)
			pkts := mixedTraffic(m, uint64(ci), groups, 450, 120)
			skipD, skipS := runOn(t, m, pkts)

			type dk struct {
				tag uint32
				dst Endpoint
			}
			seen := map[dk]int{}
			var wantDel, hx, hy uint64
			for _, p := range pkts {
				if p.Group == 0 {
					seen[dk{p.Tag, p.Dst}] = 0
					wantDel++
					x, y := m.Hops(p.Src.Router, p.Dst.Router)
					hx, hy = hx+uint64(x), hy+uint64(y)
					continue
				}
				for _, d := range m.GroupDestinations(p.Group) {
					seen[dk{p.Tag, d}] = 0
					wantDel++
				}
				x, y := m.GroupHops(p.Group)
				hx, hy = hx+uint64(x), hy+uint64(y)
			}
			for i, d := range skipD {
				k := dk{d.Packet.Tag, d.Packet.Dst}
				n, ok := seen[k]
				if !ok {
					t.Fatalf("delivery %d: %+v is not a destination of packet %d", i, d.Packet.Dst, d.Packet.Tag)
				}
				if n != 0 {
					t.Fatalf("delivery %d: packet %d reached %+v twice", i, d.Packet.Tag, d.Packet.Dst)
				}
				seen[k] = 1
				if zl := m.ZeroLoadLatency(d.Packet.Src, d.Packet.Dst); d.Arrive < d.Packet.Inject+zl {
					t.Fatalf("delivery %d arrives %d, before inject %d + zero-load %d", i, d.Arrive, d.Packet.Inject, zl)
				}
			}
			if uint64(len(skipD)) != wantDel || skipS.Packets != wantDel || skipS.Injected != uint64(len(pkts)) {
				t.Fatalf("%d deliveries (stats %d, injected %d), want %d of %d packets", len(skipD), skipS.Packets, skipS.Injected, wantDel, len(pkts))
			}
			if skipS.HopsX != hx || skipS.HopsY != hy || skipS.FlitHops != (hx+hy)*uint64(cfg.Flits()) {
				t.Fatalf("hops x %d y %d flit-hops %d, want %d %d %d", skipS.HopsX, skipS.HopsY, skipS.FlitHops, hx, hy, (hx+hy)*uint64(cfg.Flits()))
			}
			if skipS.StallCycles == 0 {
				t.Fatalf("traffic has no contention; the test would prove nothing")
			}
			if h := m.LatencyHistogram(); h.Count() != wantDel || h.Sum() != skipS.LatencySum || h.Max() != skipS.LatencyMax {
				t.Fatalf("latency histogram count %d sum %d max %d, stats %+v", h.Count(), h.Sum(), h.Max(), skipS)
			}

			m.stepEveryCycle = true
			stepD, stepS := runOn(t, m, pkts)
			if d := diffDeliveries(skipD, stepD); d != "" {
				t.Fatalf("skipping idle cycles changed deliveries:%s", d)
			}
			if skipS != stepS {
				t.Fatalf("skipping idle cycles changed stats:\n skip %+v\n step %+v", skipS, stepS)
			}
			m.visitDescending = true
			descD, descS := runOn(t, m, pkts)
			slices.SortFunc(descD, func(a, b Delivery) int {
				if key(a).less(key(b)) {
					return -1
				}
				return 1
			})
			if d := diffDeliveries(descD, skipD); d != "" {
				t.Fatalf("descending visit order changed deliveries:%s", d)
			}
			if descS != skipS {
				t.Fatalf("descending visit order changed stats")
			}
		})
	}
}

func TestMulticastRunDoesNotAllocate(t *testing.T) {
	cfg := randomConfigs[6]
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	groups := randomGroups(t, m, rand.New(rand.NewPCG(1, 2)), 5, 6)
	pkts := mixedTraffic(m, 3, groups, 800, 150)
	n := 0
	run := func() {
		for _, p := range pkts {
			if err := m.Inject(p); err != nil {
				t.Fatal(err)
			}
		}
		m.Run(func(Delivery) { n++ })
	}
	run()
	if allocs := testing.AllocsPerRun(5, run); allocs != 0 {
		t.Errorf("steady-state Run with multicast, multi-flit packets allocates %.1f times, want 0", allocs)
	}
}

func TestHistogram(t *testing.T) {
	var h Histogram
	if h.Quantile(0.5) != 0 || h.Mean() != 0 || h.Count() != 0 {
		t.Fatalf("empty histogram not zero")
	}
	for _, v := range []uint64{5, 1, 9, 3, 7, 3, 100, 4095, 4096, 10000, 10001} {
		h.Add(v)
	}
	// Sorted: 1 3 3 5 7 9 100 4095 4096 10000 10001; rank ceil(11q).
	// 10000 = 0b10_0111_0001_0000: its top 9 bits are 1_0011_1000, so its
	// bucket (shared with 10001) starts at 0b1_0011_1000 << 5 = 9984. The
	// top rank gives the exact maximum.
	tests := []struct {
		q    float64
		want uint64
	}{
		{0, 1}, {0.1, 3}, {0.2, 3}, {0.3, 5}, {0.5, 9}, {0.6, 100}, {0.7, 4095},
		{0.8, 4096}, {0.9, 9984}, {0.95, 10001}, {1, 10001}, {-1, 1}, {2, 10001},
	}
	for _, tc := range tests {
		if got := h.Quantile(tc.q); got != tc.want {
			t.Errorf("Quantile(%g) = %d, want %d", tc.q, got, tc.want)
		}
	}
	if h.Count() != 11 || h.Sum() != 28320 || h.Max() != 10001 || h.Mean() != 28320.0/11 {
		t.Errorf("count %d sum %d max %d mean %g", h.Count(), h.Sum(), h.Max(), h.Mean())
	}
	var g Histogram
	g.Add(2)
	g.Add(1 << 40)
	g.Merge(&h)
	if g.Count() != 13 || g.Quantile(0) != 1 || g.Quantile(1) != 1<<40 || g.Quantile(0.25) != 3 {
		t.Errorf("merged: count %d min %d max %d q25 %d", g.Count(), g.Quantile(0), g.Quantile(1), g.Quantile(0.25))
	}
	h.Reset()
	if h.Count() != 0 || h.Quantile(0.5) != 0 {
		t.Errorf("Reset left %d values", h.Count())
	}
	h.Add(8)
	if h.Quantile(0.5) != 8 {
		t.Errorf("after Reset and Add(8): median %d", h.Quantile(0.5))
	}
	for _, v := range []uint64{0, 1, 4095, 4096, 4097, 5000, 1 << 20, 1<<20 + 4095, 1<<63 + 12345, 1<<64 - 1} {
		i := histIndex(v)
		if lo := histLow(i); lo > v || (v >= histExact && float64(v-lo) >= float64(lo)/256) || (v < histExact && lo != v) {
			t.Errorf("value %d: bucket %d starts at %d", v, i, lo)
		}
		if i >= histBuckets {
			t.Errorf("value %d: bucket %d >= %d", v, i, histBuckets)
		}
	}
}

func TestFlitsFromBits(t *testing.T) {
	tests := []struct {
		h, p, f int
		want    int
		err     string
	}{
		{32, 0, 32, 1, ""},
		{32, 24, 32, 2, ""},
		{0, 0, 16, 1, ""},
		{20, 44, 16, 4, ""},
		{20, 45, 16, 5, ""},
		{-1, 0, 8, 0, "headerBits (-1)"},
		{8, -2, 8, 0, "payloadBits (-2)"},
		{8, 8, 0, 0, "flitBits (0)"},
		{1 << 20, 0, 1, 0, "more than MaxPacketFlits"},
	}
	for _, tc := range tests {
		got, err := FlitsFromBits(tc.h, tc.p, tc.f)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("FlitsFromBits(%d,%d,%d) error %v, want %q", tc.h, tc.p, tc.f, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("FlitsFromBits(%d,%d,%d) = %d, %v; want %d", tc.h, tc.p, tc.f, got, err, tc.want)
		}
	}
}
