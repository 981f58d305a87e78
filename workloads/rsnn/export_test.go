package rsnn

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/neuron"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/snnref"
)

// TestExportMatchesSnnref writes a trained-like net as a NIR file, reads it
// back, steps it with snnref and compares with the trainer's own forward
// pass: the same spikes in every step and readout voltages within 1e-9.
// They are not bit-identical because the trainer multiplies matrices with
// gonum's BLAS, which sums in another order than snnref's plain loops; a
// difference in the last bits can flip a spike only when v lands within
// rounding of the threshold, which these samples do not.
func TestExportMatchesSnnref(t *testing.T) {
	s := DefaultShape()
	s.Hidden = 24
	n, err := NewNet(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n.WIn {
		n.WIn[i] *= 4 // enough input to make the hidden layer fire
	}
	q := tinyData(6, 28, 28, 10, 11)
	g, err := ToNIR(n)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "net.nir")
	if err := nir.Write(path, g); err != nil {
		t.Fatal(err)
	}
	back, err := nir.Read(path, nir.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n2, err := FromNIR(back, s.DT)
	if err != nil {
		t.Fatal(err)
	}
	if n2.Shape != n.Shape {
		t.Fatalf("shape read back %+v, want %+v", n2.Shape, n.Shape)
	}
	rg, err := snnref.FromNIR(back, s.DT)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := snnref.New(rg, neuron.FloatOptions{DT: s.DT})
	if err != nil {
		t.Fatal(err)
	}
	p := newPass(s, q.N, q.T)
	idx := []int{0, 1, 2, 3, 4, 5}
	p.load(q, idx)
	p.forward(n2, SpikeFastSigmoid, 1)
	H := s.Hidden
	total, worst := 0, 0.0
	for b := range q.N {
		sim.Reset()
		for step := range q.T {
			if err := sim.Step([][]float64{q.X[(b*q.T+step)*q.In : (b*q.T+step+1)*q.In]}); err != nil {
				t.Fatal(err)
			}
			z := sim.Output(nodeLIF)
			for j := range H {
				want := p.z[(step*q.N+b)*H+j]
				if z[j] != want {
					t.Fatalf("sample %d step %d neuron %d: snnref spike %g, trainer %g", b, step, j, z[j], want)
				}
				total += int(want)
			}
		}
		o := sim.Output(nodeLI)
		for c := range s.Out {
			worst = max(worst, math.Abs(o[c]-p.o[b*s.Out+c]))
		}
	}
	if total == 0 {
		t.Fatal("the hidden layer never fired; the comparison says nothing about spikes")
	}
	if worst > 1e-9 {
		t.Errorf("readout voltages differ by up to %g, want <= 1e-9", worst)
	}
	t.Logf("%d hidden spikes identical; readout voltages within %.2g", total, worst)
}

// TestFromNIRRefuses: graphs not of ToNIR's form are refused with the node
// and field named.
func TestFromNIRRefuses(t *testing.T) {
	s := DefaultShape()
	s.Hidden = 4
	n, err := NewNet(s, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func(g *nir.Graph)
		want string
	}{
		{"kind", func(g *nir.Graph) { g.Node(nodeLI).Kind = nir.KindLIF }, `node "li": want a LI node`},
		{"edge", func(g *nir.Graph) { g.Edges = g.Edges[:len(g.Edges)-1] }, "distinct edges"},
		{"tau", func(g *nir.Graph) { g.Node(nodeLIF).Params.(*nir.LIFParams).Tau.Data[2] = 1 }, `node "lif": field "tau" must be one value`},
		{"threshold", func(g *nir.Graph) {
			th := g.Node(nodeLIF).Params.(*nir.LIFParams).VThreshold.Data
			for i := range th {
				th[i] = 2
			}
		}, `field "v_threshold" is 2`},
		{"weight", func(g *nir.Graph) {
			w := &g.Node(nodeWRec).Params.(*nir.LinearParams).Weight
			w.Shape, w.Data = nir.Shape{4, 3}, w.Data[:12]
		}, `node "fc_rec": field "weight": shape 4x3, want 4x4`},
	} {
		g, err := ToNIR(n)
		if err != nil {
			t.Fatal(err)
		}
		c.edit(g)
		if _, err := FromNIR(g, s.DT); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", c.name, err, c.want)
		}
	}
}
