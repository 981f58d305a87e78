package chip

import (
	"reflect"
	"testing"
)

// placementMapping: a 4x1 mesh, one core per router, host at router 0;
// three groups placed row-major on routers 0, 1, 2.
func placementMapping(t *testing.T) *Mapping {
	t.Helper()
	cfg := traceConfig()
	cfg.MeshWidth, cfg.NeuronsPerCore = 4, 1
	m, err := Map(denseNet(2, 2, 1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Cores) != 3 {
		t.Fatalf("%d cores", len(m.Cores))
	}
	return m
}

func TestPlace(t *testing.T) {
	m := placementMapping(t)
	// Heavy host traffic to group 2, light traffic between groups 0 and 1.
	flows := []Flow{{Src: -1, Dst: 2, Packets: 1000}, {Src: 0, Dst: 1, Packets: 5}}
	// Row-major: group 2 is 2 hops from the host, 0 and 1 are neighbours:
	// 2*1000 + 1*5.
	if got := m.PacketHops(flows); got != 2005 {
		t.Errorf("row-major packet-hops %g, want 2005", got)
	}
	cases := []struct {
		p    Placement
		want float64
		pos  []int // physical core of each group
	}{
		{RowMajor, 2005, []int{0, 1, 2}},
		// Greedy: group 2 (heaviest) next to the host at router 0; group 0
		// at the first free core (no placed neighbour yet), router 1; group
		// 1 next to it at router 2: 0 + 5.
		{Greedy, 5, []int{1, 2, 0}},
		{Anneal, 5, nil},
	}
	for _, c := range cases {
		p, err := Place(m, flows, c.p, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.PacketHops(flows); got != c.want {
			t.Errorf("%s: packet-hops %g, want %g", c.p, got, c.want)
		}
		if c.pos != nil {
			var pos []int
			for _, cm := range p.Cores {
				pos = append(pos, cm.Core)
			}
			if !reflect.DeepEqual(pos, c.pos) {
				t.Errorf("%s: positions %v, want %v", c.p, pos, c.pos)
			}
		}
		// Groups keep their neurons; positions are distinct.
		seen := map[int]bool{}
		for ci, cm := range p.Cores {
			if cm.Lo != m.Cores[ci].Lo || cm.Hi != m.Cores[ci].Hi || cm.Layer != m.Cores[ci].Layer {
				t.Errorf("%s: group %d changed its neurons", c.p, ci)
			}
			if seen[cm.Core] {
				t.Errorf("%s: core %d used twice", c.p, cm.Core)
			}
			seen[cm.Core] = true
			if int(cm.Endpoint.Router) != cm.X+cm.Y*4 {
				t.Errorf("%s: inconsistent position %+v", c.p, cm)
			}
		}
	}
	// The original mapping is untouched.
	if m.Cores[2].Core != 2 {
		t.Error("Place modified its input")
	}
	// Bad flows are rejected.
	if _, err := Place(m, []Flow{{Src: 0, Dst: 7, Packets: 1}}, Greedy, 1); err == nil {
		t.Error("flow to a missing core accepted")
	}
}

// TestAnnealDeterministic: the same seed gives the same placement, and
// annealing never ends worse than where it started (greedy).
func TestAnnealDeterministic(t *testing.T) {
	cfg, err := Preset("tiny")
	if err != nil {
		t.Fatal(err)
	}
	cfg.CoresPerRouter, cfg.MeshWidth, cfg.MeshHeight = 1, 4, 4
	m, err := Map(denseNet(16, 100, 100, 10), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var flows []Flow
	for _, a := range m.LayerCores[0] {
		flows = append(flows, Flow{Src: -1, Dst: a, Packets: 40})
		for _, b := range m.LayerCores[1] {
			flows = append(flows, Flow{Src: a, Dst: b, Packets: float64(3 + a + b)})
		}
	}
	for _, b := range m.LayerCores[1] {
		for _, c := range m.LayerCores[2] {
			flows = append(flows, Flow{Src: b, Dst: c, Packets: 7})
		}
	}
	g, _ := Place(m, flows, Greedy, 1)
	a1, _ := Place(m, flows, Anneal, 42)
	a2, _ := Place(m, flows, Anneal, 42)
	if !reflect.DeepEqual(a1.Cores, a2.Cores) {
		t.Error("anneal is not deterministic for a seed")
	}
	rm, gh, ah := m.PacketHops(flows), g.PacketHops(flows), a1.PacketHops(flows)
	if !(ah <= gh && gh < rm) {
		t.Errorf("packet-hops row-major %g, greedy %g, anneal %g: want anneal <= greedy < row-major", rm, gh, ah)
	}
}

// TestBoard: a network larger than one chip maps onto a board of two;
// packets between the chips are counted as off-chip hops, and the mesh's
// own count agrees.
func TestBoard(t *testing.T) {
	cfg, err := Preset("tiny") // 8 cores per chip
	if err != nil {
		t.Fatal(err)
	}
	net := denseNet(20, 300, 100, 5) // 5 + 2 + 1 cores of at most 64 neurons: 9 > 8
	if _, err := Map(net, cfg); err == nil {
		t.Fatal("network fits one tiny chip; the test needs a bigger one")
	}
	cfg.BoardX, cfg.OffChipHopCycles = 2, 20
	m, err := Map(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cores() != 16 || cfg.BoardWidth() != 4 {
		t.Fatalf("board: %d cores, width %d", cfg.Cores(), cfg.BoardWidth())
	}
	// Slots fill chip 0 (x 0..1) before chip 1 (x 2..3).
	if last := m.Cores[len(m.Cores)-1]; last.X < 2 {
		t.Errorf("last core at x=%d; chip 1 unused", last.X)
	}
	res := runOn(t, m, 2, fixedStim{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, {0, 1, 2, 3, 4, 5, 6, 7}}, 30, nil)
	if res.Counts.OffChipHops == 0 || res.Counts.OffChipHops != res.Mesh.HopsOffChip {
		t.Errorf("off-chip hops: counted %d, mesh %d", res.Counts.OffChipHops, res.Mesh.HopsOffChip)
	}
	if res.Counts.HopsX+res.Counts.HopsY+res.Counts.OffChipHops != res.Mesh.Hops {
		t.Errorf("hops %d + %d + %d off-chip, mesh %d", res.Counts.HopsX, res.Counts.HopsY, res.Counts.OffChipHops, res.Mesh.Hops)
	}
}
