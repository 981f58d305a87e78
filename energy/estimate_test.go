package energy

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
)

// approxEqual reports whether got is within absTol or relTol (relative to
// want) of want.
func approxEqual(got, want, absTol, relTol float64) bool {
	d := math.Abs(got - want)
	return d <= absTol || d <= relTol*math.Abs(want)
}

// TestEstimateComponents sets one counter at a time on the dyadic model
// (exact binary-fraction costs) and checks the fine field, its group and the
// total against energies worked out by hand.
func TestEstimateComponents(t *testing.T) {
	m := dyadicModel()
	type fields struct{ fine, group, total float64 }
	tests := []struct {
		name    string
		c       Counts
		seconds float64
		cores   int
		get     func(Breakdown) fields
		want    float64 // pJ
	}{
		{"synaptic ops by format: 6 dense x 0.5 + 3 conv x 0.375 + 1 sparse x 0.625", Counts{SynapticOps: 10, SynapticOpsConv: 3, SynapticOpsSparse: 1}, 0, 0,
			func(b Breakdown) fields { return fields{b.SynOpsPJ, b.SynapticPJ, b.TotalPJ} }, 3 + 1.125 + 0.625},
		{"synaptic ops: 10 x 0.5", Counts{SynapticOps: 10}, 0, 0,
			func(b Breakdown) fields { return fields{b.SynOpsPJ, b.SynapticPJ, b.TotalPJ} }, 5},
		{"synaptic MACs: 20 x 2", Counts{SynapticMACs: 20}, 0, 0,
			func(b Breakdown) fields { return fields{b.SynMACsPJ, b.SynapticPJ, b.TotalPJ} }, 40},
		{"memory bits: 1000 x 0.25", Counts{SynMemReadBits: 1000}, 0, 0,
			func(b Breakdown) fields { return fields{b.SynMemPJ, b.SynapticPJ, b.TotalPJ} }, 250},
		{"active updates: 30 x 4", Counts{NeuronUpdates: 30}, 0, 0,
			func(b Breakdown) fields { return fields{b.NeuronActivePJ, b.NeuronPJ, b.TotalPJ} }, 120},
		{"idle updates: 70 x 1.5", Counts{NeuronIdle: 70}, 0, 0,
			func(b Breakdown) fields { return fields{b.NeuronIdlePJ, b.NeuronPJ, b.TotalPJ} }, 105},
		{"spikes: 40 x 3", Counts{Spikes: 40}, 0, 0,
			func(b Breakdown) fields { return fields{b.SpikePJ, b.SpikePJ, b.TotalPJ} }, 120},
		{"packets: 50 x 0.125", Counts{Packets: 50}, 0, 0,
			func(b Breakdown) fields { return fields{b.PacketsPJ, b.MeshPJ, b.TotalPJ} }, 6.25},
		{"host packets: 5 x 8", Counts{HostPackets: 5}, 0, 0,
			func(b Breakdown) fields { return fields{b.HostPacketsPJ, b.MeshPJ, b.TotalPJ} }, 40},
		{"hops x: 60 x 0.75", Counts{HopsX: 60}, 0, 0,
			func(b Breakdown) fields { return fields{b.HopsXPJ, b.MeshPJ, b.TotalPJ} }, 45},
		{"hops y: 80 x 1.25", Counts{HopsY: 80}, 0, 0,
			func(b Breakdown) fields { return fields{b.HopsYPJ, b.MeshPJ, b.TotalPJ} }, 100},
		{"off-chip hops: 7 x 32", Counts{OffChipHops: 7}, 0, 0,
			func(b Breakdown) fields { return fields{b.OffChipHopsPJ, b.MeshPJ, b.TotalPJ} }, 224},
		{"barriers: 3 x 16", Counts{Barriers: 3}, 0, 0,
			func(b Breakdown) fields { return fields{b.BarriersPJ, b.MeshPJ, b.TotalPJ} }, 48},
		// (2 mW x 4 cores + 5 mW) x 0.5 s = 6.5 mJ = 6.5e9 pJ
		{"static: 4 cores, 0.5 s", Counts{}, 0.5, 4,
			func(b Breakdown) fields { return fields{b.StaticPJ, b.StaticPJ, b.TotalPJ} }, 6.5e9},
		// chip leakage only: 5 mW x 2 s = 10 mJ
		{"static: 0 cores, 2 s", Counts{}, 2, 0,
			func(b Breakdown) fields { return fields{b.StaticPJ, b.StaticPJ, b.TotalPJ} }, 1e10},
		{"nothing", Counts{}, 0, 128,
			func(b Breakdown) fields { return fields{b.TotalPJ, b.TotalPJ, b.TotalPJ} }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := m.Estimate(tc.c, tc.seconds, tc.cores)
			got := tc.get(b)
			if got.fine != tc.want || got.group != tc.want || got.total != tc.want {
				t.Errorf("fine %v, group %v, total %v pJ; want all %v pJ\n%+v", got.fine, got.group, got.total, tc.want, b)
			}
		})
	}
}

// TestEstimateAllAtOnce sums the hand-computed components of the table above.
func TestEstimateAllAtOnce(t *testing.T) {
	c := Counts{SynapticOps: 10, SynapticMACs: 20, SynMemReadBits: 1000, NeuronUpdates: 30, NeuronIdle: 70,
		Spikes: 40, Packets: 50, HostPackets: 5, HopsX: 60, HopsY: 80, OffChipHops: 7, Barriers: 3}
	b := dyadicModel().Estimate(c, 0.5, 4)
	want := Breakdown{
		SynapticPJ: 5 + 40 + 250, NeuronPJ: 120 + 105, SpikePJ: 120,
		MeshPJ: 6.25 + 40 + 45 + 100 + 224 + 48, StaticPJ: 6.5e9,
		TotalPJ:  295 + 225 + 120 + 463.25 + 6.5e9,
		SynOpsPJ: 5, SynMACsPJ: 40, SynMemPJ: 250, NeuronActivePJ: 120, NeuronIdlePJ: 105,
		PacketsPJ: 6.25, HostPacketsPJ: 40, HopsXPJ: 45, HopsYPJ: 100, OffChipHopsPJ: 224, BarriersPJ: 48,
	}
	if b != want {
		t.Errorf("Estimate:\n got %+v\nwant %+v", b, want)
	}
}

// TestEstimateLoihiByHand prices counts with the loihi preset; the expected
// values are Davies 2018 Table 2 and Blouw 2018 Table 1 figures multiplied
// out by hand.
func TestEstimateLoihiByHand(t *testing.T) {
	m, err := Preset("loihi")
	if err != nil {
		t.Fatal(err)
	}
	c := Counts{SynapticOps: 1000, NeuronUpdates: 100, NeuronIdle: 900, Spikes: 50,
		Packets: 70, HostPackets: 9, HopsX: 120, HopsY: 40, OffChipHops: 3, Barriers: 10, SynMemReadBits: 8000, SynapticMACs: 30}
	b := m.Estimate(c, 0.001, 128) // 1 ms, whole chip
	checks := []struct {
		name      string
		got, want float64
	}{
		{"synaptic", b.SynapticPJ, 1000 * 23.6},  // MACs and memory reads are not priced
		{"neuron", b.NeuronPJ, 100*81 + 900*52},  // 8100 + 46800
		{"spike", b.SpikePJ, 50 * 1.7},           // 85
		{"mesh", b.MeshPJ, 120*3.0 + 40*4.0},     // packets, host packets, off-chip hops, barriers not priced
		{"static", b.StaticPJ, 29 * 0.001 * 1e9}, // 29 mW x 1 ms = 29 uJ
		{"total", b.TotalPJ, 23600 + 54900 + 85 + 520 + 2.9e7},
	}
	for _, ck := range checks {
		if !approxEqual(ck.got, ck.want, 0, 1e-12) {
			t.Errorf("%s = %v pJ, want %v pJ", ck.name, ck.got, ck.want)
		}
	}
}

// TestBreakdownSumsExactly checks, over seeded random models and counts,
// that every group is bit-for-bit the sum of its parts and the total the sum
// of the groups, and that the total agrees with an exact big.Float sum of the
// twelve products to within float64 rounding.
func TestBreakdownSumsExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cost := func() float64 { return rng.Float64() * 100 }
	for i := range 2000 {
		m := Model{Name: "random",
			SynapticOpPJ: cost(), SynapticOpConvPJ: cost(), SynapticOpSparsePJ: cost(), SynapticMACPJ: cost(), SynMemReadBitPJ: cost(),
			NeuronUpdatePJ: cost(), NeuronIdlePJ: cost(), SpikePJ: cost(),
			PacketPJ: cost(), HostPacketPJ: cost(), HopXPJ: cost(), HopYPJ: cost(), OffChipHopPJ: cost(), BarrierPJ: cost(),
			StaticPerCoreMW: cost(), StaticPerChipMW: cost()}
		n := func() uint64 { return rng.Uint64N(1 << 40) }
		c := Counts{n(), n(), n(), n(), n(), n(), n(), n(), n(), n(), n(), n(), 0, 0}
		// conv and sparse events are a subset of the synaptic ops
		c.SynapticOpsConv = rng.Uint64N(c.SynapticOps/2 + 1)
		c.SynapticOpsSparse = rng.Uint64N(c.SynapticOps/2 + 1)
		seconds, cores := rng.Float64(), rng.IntN(1024)
		b := m.Estimate(c, seconds, cores)

		if s := b.SynOpsPJ + b.SynMACsPJ + b.SynMemPJ; b.SynapticPJ != s {
			t.Fatalf("case %d: SynapticPJ %v != parts %v", i, b.SynapticPJ, s)
		}
		if s := b.NeuronActivePJ + b.NeuronIdlePJ; b.NeuronPJ != s {
			t.Fatalf("case %d: NeuronPJ %v != parts %v", i, b.NeuronPJ, s)
		}
		if s := b.PacketsPJ + b.HostPacketsPJ + b.HopsXPJ + b.HopsYPJ + b.OffChipHopsPJ + b.BarriersPJ; b.MeshPJ != s {
			t.Fatalf("case %d: MeshPJ %v != parts %v", i, b.MeshPJ, s)
		}
		if s := b.SynapticPJ + b.NeuronPJ + b.SpikePJ + b.MeshPJ + b.StaticPJ; b.TotalPJ != s {
			t.Fatalf("case %d: TotalPJ %v != groups %v", i, b.TotalPJ, s)
		}

		exact := new(big.Float).SetPrec(512)
		addProd := func(count uint64, cost float64) {
			p := new(big.Float).SetPrec(512).SetUint64(count)
			exact.Add(exact, p.Mul(p, new(big.Float).SetPrec(512).SetFloat64(cost)))
		}
		addProd(c.SynapticOps-c.SynapticOpsConv-c.SynapticOpsSparse, m.SynapticOpPJ)
		addProd(c.SynapticOpsConv, m.SynapticOpConvPJ)
		addProd(c.SynapticOpsSparse, m.SynapticOpSparsePJ)
		addProd(c.SynapticMACs, m.SynapticMACPJ)
		addProd(c.SynMemReadBits, m.SynMemReadBitPJ)
		addProd(c.NeuronUpdates, m.NeuronUpdatePJ)
		addProd(c.NeuronIdle, m.NeuronIdlePJ)
		addProd(c.Spikes, m.SpikePJ)
		addProd(c.Packets, m.PacketPJ)
		addProd(c.HostPackets, m.HostPacketPJ)
		addProd(c.HopsX, m.HopXPJ)
		addProd(c.HopsY, m.HopYPJ)
		addProd(c.OffChipHops, m.OffChipHopPJ)
		addProd(c.Barriers, m.BarrierPJ)
		st := new(big.Float).SetPrec(512).SetFloat64(m.StaticPerCoreMW)
		st.Mul(st, new(big.Float).SetPrec(512).SetInt64(int64(cores)))
		st.Add(st, new(big.Float).SetPrec(512).SetFloat64(m.StaticPerChipMW))
		st.Mul(st, new(big.Float).SetPrec(512).SetFloat64(seconds))
		st.Mul(st, new(big.Float).SetPrec(512).SetFloat64(1e9))
		exact.Add(exact, st)
		want, _ := exact.Float64()
		if !approxEqual(b.TotalPJ, want, 0, 1e-14) {
			t.Fatalf("case %d: TotalPJ %v, exact sum %v", i, b.TotalPJ, want)
		}
	}
}

func TestEstimateChecked(t *testing.T) {
	good := dyadicModel()
	bad := dyadicModel()
	bad.SpikePJ = -1
	tests := []struct {
		name    string
		m       Model
		seconds float64
		cores   int
		want    string // "" = no error
	}{
		{"ok", good, 1, 4, ""},
		{"invalid model", bad, 1, 4, "spike (-1 pJ) must be >= 0"},
		{"negative seconds", good, -1, 4, "seconds (-1) must be finite and >= 0"},
		{"NaN seconds", good, math.NaN(), 4, "seconds (NaN)"},
		{"Inf seconds", good, math.Inf(1), 4, "seconds (+Inf)"},
		{"negative cores", good, 1, -2, "cores (-2) must be >= 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Counts{SynapticOps: 3}
			b, err := tc.m.EstimateChecked(c, tc.seconds, tc.cores)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if want := tc.m.Estimate(c, tc.seconds, tc.cores); b != want {
					t.Errorf("EstimateChecked = %+v, Estimate = %+v", b, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "energy: ") {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestComponentsMatchFields(t *testing.T) {
	c := Counts{SynapticOps: 10, SynapticMACs: 20, SynMemReadBits: 1000, NeuronUpdates: 30, NeuronIdle: 70,
		Spikes: 40, Packets: 50, HostPackets: 5, HopsX: 60, HopsY: 80, OffChipHops: 7, Barriers: 3}
	b := dyadicModel().Estimate(c, 0.5, 4)
	groups := map[string]float64{}
	names := map[string]bool{}
	for _, comp := range b.Components() {
		if names[comp.Name] {
			t.Errorf("component %q listed twice", comp.Name)
		}
		names[comp.Name] = true
		groups[comp.Group] += comp.PJ // dyadic values: exact in any order
	}
	want := map[string]float64{"synaptic": b.SynapticPJ, "neuron": b.NeuronPJ, "spike": b.SpikePJ, "mesh": b.MeshPJ, "static": b.StaticPJ}
	if len(groups) != len(want) {
		t.Errorf("groups %v, want %v", groups, want)
	}
	for g, w := range want {
		if groups[g] != w {
			t.Errorf("group %s: components sum to %v, field is %v", g, groups[g], w)
		}
	}
}

func TestCountsAdd(t *testing.T) {
	a := Counts{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}
	b := Counts{100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400}
	a.Add(b)
	if want := (Counts{101, 202, 303, 404, 505, 606, 707, 808, 909, 1010, 1111, 1212, 1313, 1414}); a != want {
		t.Errorf("Add: got %+v, want %+v", a, want)
	}
	// Estimate is linear in the counts: pricing a sum equals summing prices
	// (dyadic costs and small counts, so exactly).
	m := dyadicModel()
	x, y := Counts{SynapticOps: 4, HopsY: 8, NeuronIdle: 2}, Counts{SynapticOps: 6, Spikes: 1, Barriers: 2}
	sum := x
	sum.Add(y)
	if got, want := m.Estimate(sum, 0, 0).TotalPJ, m.Estimate(x, 0, 0).TotalPJ+m.Estimate(y, 0, 0).TotalPJ; got != want {
		t.Errorf("Estimate(x+y) = %v pJ, Estimate(x)+Estimate(y) = %v pJ", got, want)
	}
}

func TestPaperStyle(t *testing.T) {
	m, err := Preset("paper-45nm")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"ANN 1e6 MACs", m.ANNEnergyPJ(1_000_000), 4.6e6},
		{"ANN 0 MACs", m.ANNEnergyPJ(0), 0},
		{"SNN 2e5 ACs", m.SNNPaperEnergyPJ(200_000, 0), 1.8e5},
		{"SNN 2e5 ACs + 1e4 first-layer MACs", m.SNNPaperEnergyPJ(200_000, 10_000), 1.8e5 + 4.6e4},
	}
	for _, tc := range tests {
		if !approxEqual(tc.got, tc.want, 0, 1e-12) {
			t.Errorf("%s: %v pJ, want %v pJ", tc.name, tc.got, tc.want)
		}
	}
	// With paper-45nm, the hardware-aware estimate of synaptic work equals the
	// paper-style SNN figure: both charge E_AC per op and E_MAC per MAC.
	c := Counts{SynapticOps: 200_000, SynapticMACs: 10_000, NeuronUpdates: 5000, HopsX: 999}
	if b, p := m.Estimate(c, 1, 128), m.SNNPaperEnergyPJ(c.SynapticOps, c.SynapticMACs); b.TotalPJ != p {
		t.Errorf("paper-45nm Estimate total %v pJ != SNNPaperEnergyPJ %v pJ", b.TotalPJ, p)
	}
}

func BenchmarkEstimate(b *testing.B) {
	m := dyadicModel()
	c := Counts{SynapticOps: 1 << 30, SynapticMACs: 1 << 20, NeuronUpdates: 1 << 22, NeuronIdle: 1 << 24,
		Spikes: 1 << 18, Packets: 1 << 19, HopsX: 1 << 21, HopsY: 1 << 21, Barriers: 1000}
	var sink float64
	b.ResetTimer()
	for range b.N {
		sink += m.Estimate(c, 0.01, 128).TotalPJ
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "estimates/s")
	if math.IsNaN(sink) {
		b.Fatal(fmt.Sprint(sink))
	}
}
