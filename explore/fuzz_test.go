package explore

import (
	"os"
	"reflect"
	"testing"
)

// FuzzParseSpace: ParseSpace returns a Space or an error for any bytes,
// never panics, and a Space it accepts has at least one objective, at
// least one point, and values for every parameter; parsing the same bytes
// again gives the same Space. Seeds: the shipped spaces (below; a NIR
// model and input are relative to spaces/) and the variants in
// testdata/fuzz/FuzzParseSpace.
func FuzzParseSpace(f *testing.F) {
	f.Add(ExampleSpace())
	f.Add(NIRExampleSpace())
	f.Add(MackeyGlassExampleSpace())
	f.Add(SeqMNISTExampleSpace())
	if b, err := os.ReadFile("spaces/mnist.yaml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSpaceIn(b, "spaces")
		if err != nil {
			if s != nil {
				t.Fatalf("error %v came with a Space", err)
			}
			return
		}
		if len(s.Objectives) == 0 {
			t.Fatal("accepted a space without objectives")
		}
		if n, err := s.size(); err != nil || n < 1 {
			t.Fatalf("accepted a space of %d points (%v)", n, err)
		}
		for _, p := range s.Params {
			if len(p.Values) == 0 {
				t.Fatalf("parameter %s has no values", p.Name)
			}
		}
		again, err := ParseSpaceIn(b, "spaces")
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("parsing the same bytes again gave a different result (%v)", err)
		}
	})
}
