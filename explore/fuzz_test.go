package explore

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// FuzzParseSpace: ParseSpace returns a Space or an error for any bytes,
// never panics, and a Space it accepts has at least one objective, at
// least one point, and values for every parameter; parsing the same bytes
// again gives the same Space. Seeds: the shipped spaces (below) and the
// variants in testdata/fuzz/FuzzParseSpace.
func FuzzParseSpace(f *testing.F) {
	f.Add(ExampleSpace())
	if b, err := os.ReadFile("spaces/mnist.yaml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSpace(b)
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
		again, err := ParseSpace(b)
		if err != nil || !reflect.DeepEqual(again, s) {
			t.Fatalf("parsing the same bytes again gave a different result (%v)", err)
		}
	})
}

// FuzzParseShard: ParseShard accepts exactly "i/n" with 0 <= i < n, and
// what it accepts prints back to a spec it parses to the same Shard.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/4", " 1 / 2 ", "4/4", "-1/2", "1/0", "x/2", "1/", "/", "", "1/2/3", "9223372036854775807/9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		sh, err := ParseShard(spec)
		if err != nil {
			if sh != (Shard{}) {
				t.Fatalf("error %v came with shard %+v", err, sh)
			}
			return
		}
		if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
			t.Fatalf("ParseShard(%q) accepted %+v", spec, sh)
		}
		back, err := ParseShard(sh.String())
		if err != nil || back != sh {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", spec, sh, sh.String(), back, err)
		}
	})
}

// FuzzReadPoints: readPoints never panics on any points.jsonl image; the
// offset it returns ends a line inside the data, every record it returns
// has a key matching its configuration, lines are reported in increasing
// order, and reading only the good prefix returns the same records.
func FuzzReadPoints(f *testing.F) {
	pc := PointConfig{Format: exploreFormat, Workload: "mnist-mlp", Samples: 10, Timesteps: 8, Seed: 1}
	r := Result{Key: configKey(&pc), Config: pc}
	line, err := json.Marshal(&r)
	if err != nil {
		f.Fatal(err)
	}
	line = append(line, '\n')
	f.Add(bytes.Clone(line))
	f.Add(append(bytes.Clone(line), line[:len(line)/2]...))                              // cut short by a kill
	f.Add(append(append([]byte("{oops\n"), line...), line...))                           // a bad line before good ones
	f.Add(bytes.ReplaceAll(bytes.Clone(line), []byte(`"mnist-mlp"`), []byte(`"other"`))) // stale key
	f.Add([]byte("\n\n  \n{}\n[]\nnull\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, goodEnd, bad, _ := readPoints(data)
		if goodEnd < 0 || goodEnd > len(data) || goodEnd > 0 && goodEnd < len(data) && data[goodEnd-1] != '\n' {
			t.Fatalf("good end %d is not a line end in %d bytes", goodEnd, len(data))
		}
		last := 0
		for _, rc := range recs {
			if rc.Key != configKey(&rc.Config) {
				t.Fatalf("line %d: key %s does not match its configuration", rc.line, rc.Key)
			}
			if rc.line <= last {
				t.Fatalf("line %d after line %d", rc.line, last)
			}
			last = rc.line
		}
		for i := 1; i < len(bad); i++ {
			if bad[i] <= bad[i-1] {
				t.Fatalf("bad lines out of order: %v", bad)
			}
		}
		again, end2, _, _ := readPoints(data[:goodEnd])
		if end2 != goodEnd || len(again) != len(recs) {
			t.Fatalf("the good prefix reads as %d records ending at %d, not %d ending at %d", len(again), end2, len(recs), goodEnd)
		}
	})
}
