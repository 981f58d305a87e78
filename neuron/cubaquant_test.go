package neuron

import (
	"math"
	"strings"
	"testing"
)

// brian2CUBA are the parameters of /work/shared/peers/cuba.py (params.json).
var brian2CUBA = CUBAParams{TauM: 0.020, TauE: 0.005, TauI: 0.010, El: -0.049, Vt: -0.050, Vr: -0.060,
	We: 60 * 0.27 / 10 * 1e-3, Wi: -20 * 4.5 / 10 * 1e-3, Refractory: 0.005}

// TestQuantizeCUBA checks the mapping by hand: Vt − Vr = 10 mV, so Scale =
// 2^floor(log2(2^20/0.01)) = 2^26; Threshold = round(0.01·2^26) =
// round(671088.64) = 671089; dv = round(4096·(1 − e^−0.005)) = round(20.43) = 20,
// du = round(4096·(1 − e^−0.02)) = round(81.11) = 81, du2 = round(4096·(1 −
// e^−0.01)) = round(40.76) = 41; bias = round(2^26·(20/4096)·0.011) =
// round(3604.48) = 3604; refractory 50 steps -> 49 held steps.
func TestQuantizeCUBA(t *testing.T) {
	q, err := QuantizeCUBA(brian2CUBA, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Kind: LIF2Syn, Threshold: 671089, DecayU: 81, DecayU2: 41, DecayV: 20, Refractory: 49}
	if q.Params != want || q.Bias != 3604 || q.Scale != 1<<26 {
		t.Fatalf("QuantizeCUBA = %+v, want params %+v, bias 3604, scale 2^26", q, want)
	}
	if we := float64(1<<26) * 20 / 4096 * 1.62e-3; math.Abs(q.WeightE-we) > 1e-9 {
		t.Errorf("WeightE = %v, want %v", q.WeightE, we)
	}
	if x, err := q.StateFromVolts(-0.055); err != nil || x != 335544 || math.Abs(q.VoltsFromState(x)+0.055) > 1e-7 {
		t.Errorf("StateFromVolts(-55 mV) = %d, %v; back %v", x, err, q.VoltsFromState(x))
	}
}

// TestCUBASpontaneousISI: El is above Vt, so a neuron without input fires
// periodically. Brian2's exact solution: after a spike v is held 49 steps,
// then v = El + (Vr − El)·e^(−j·dt/τm) crosses Vt after j = 480 steps
// (200·ln 11 = 479.6), an interspike interval of 529 steps. The chip's
// τm is 4096·dt/20 = 20.48 ms instead of 20 ms, so its interval is about
// 2.4 % longer; the test requires it within 3 % of Brian2's and logs it.
func TestCUBASpontaneousISI(t *testing.T) {
	q, err := QuantizeCUBA(brian2CUBA, 1e-4)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(q.Params, 1, []int32{q.Bias})
	if err != nil {
		t.Fatal(err)
	}
	in := [][]int32{{0}, {0}}
	var spikes []int
	for step := range 3000 {
		if f, _ := m.(MultiPort).StepPorts(in, nil); len(f) > 0 {
			spikes = append(spikes, step)
		}
	}
	if len(spikes) < 3 {
		t.Fatalf("spikes %v: want periodic firing", spikes)
	}
	isi := spikes[2] - spikes[1]
	const brian2ISI = 529
	rel := float64(isi-brian2ISI) / brian2ISI
	t.Logf("chip interspike interval %d steps, Brian2 exact %d (%+.2f %%); spikes %v", isi, brian2ISI, 100*rel, spikes)
	if math.Abs(rel) > 0.03 {
		t.Errorf("interval %d steps, Brian2 %d: %+.2f %% > 3 %%", isi, brian2ISI, 100*rel)
	}
	for k := 2; k < len(spikes); k++ {
		if d := spikes[k] - spikes[k-1]; d != isi {
			t.Errorf("intervals %d then %d: not periodic", isi, d)
		}
	}
}

func TestQuantizeCUBAErrors(t *testing.T) {
	bad := brian2CUBA
	bad.TauM = -1
	if _, err := QuantizeCUBA(bad, 1e-4); err == nil || !strings.Contains(err.Error(), "taum (-1) must be finite and > 0") {
		t.Errorf("negative taum: %v", err)
	}
	bad = brian2CUBA
	bad.Vt = bad.Vr
	if _, err := QuantizeCUBA(bad, 1e-4); err == nil || !strings.Contains(err.Error(), "Vt (-0.06 V) must be above Vr") {
		t.Errorf("Vt = Vr: %v", err)
	}
	if _, err := QuantizeCUBA(brian2CUBA, math.NaN()); err == nil || !strings.Contains(err.Error(), "dt (NaN)") {
		t.Errorf("NaN dt: %v", err)
	}
	m, _ := New(Params{Kind: LIF2Syn, Threshold: 5}, 2, nil)
	if err := m.(*Cuba2State).SetV([]int32{1}); err == nil {
		t.Error("SetV with 1 value for 2 neurons: no error")
	}
	if err := m.(*Cuba2State).SetV([]int32{1, 1 << 23}); err == nil {
		t.Error("SetV out of range: no error")
	}
	if err := m.(*Cuba2State).SetV([]int32{3, -4}); err != nil || m.V()[1] != -4 {
		t.Errorf("SetV: %v, v %v", err, m.V())
	}
}

// TestKindPortsAndSetsV: Ports and SetsV agree with the models New builds
// (MultiPort's port count, VSetter).
func TestKindPortsAndSetsV(t *testing.T) {
	for k := Kind(0); k < numKinds; k++ {
		p := Params{Kind: k, Threshold: 8}
		switch k {
		case BIF:
			p.Levels = 4
		case LIF, LI, LIF2Syn:
			p.DecayU, p.DecayV = 1, 1
		}
		if k == LI {
			p.Threshold = 0
		}
		m, err := New(p, 2, nil)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		ports := 1
		if mp, ok := m.(MultiPort); ok {
			ports = mp.Ports()
		}
		if k.Ports() != ports {
			t.Errorf("%s: Ports() = %d, model has %d", k, k.Ports(), ports)
		}
		if _, ok := m.(VSetter); ok != k.SetsV() {
			t.Errorf("%s: SetsV() = %v, model implements VSetter: %v", k, k.SetsV(), ok)
		}
	}
}
