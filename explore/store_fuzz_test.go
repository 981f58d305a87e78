package explore

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// validLine is one well-formed points.jsonl line: a point of testSpace.
func validLine(t testing.TB) []byte {
	s := mustSpace(t, testSpace)
	pt := s.PointAt(0)
	r := Result{Key: pt.Key, Index: pt.Index, Params: s.params(pt.Choice), Config: pt.Config}
	path := filepath.Join(t.TempDir(), PointsFile)
	if err := WritePoints(path, []Result{r}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// FuzzReadPoints: reading any points.jsonl image never panics; every
// record it accepts has the key of its configuration; the good prefix it
// reports reads back with no bad line and the same records.
func FuzzReadPoints(f *testing.F) {
	line := validLine(f)
	f.Add(line)
	f.Add(append(bytes.Clone(line), line[:len(line)/2]...))
	f.Add(append(append([]byte("{\"key\": garbage\n"), line...), '\n'))
	f.Add(bytes.TrimSuffix(line, []byte{'\n'}))
	f.Add([]byte("\n\n  \n{}\n[1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, goodEnd, bad, _ := readPoints(data)
		if goodEnd < 0 || goodEnd > len(data) {
			t.Fatalf("good end %d outside [0, %d]", goodEnd, len(data))
		}
		for i := 1; i < len(bad); i++ {
			if bad[i] <= bad[i-1] {
				t.Fatalf("bad lines out of order: %v", bad)
			}
		}
		for _, r := range recs {
			if r.Key != configKey(&r.Config) {
				t.Fatalf("line %d accepted with key %s, its configuration's is %s", r.line, r.Key, configKey(&r.Config))
			}
		}
		again, end2, bad2, _ := readPoints(data[:goodEnd])
		if end2 != goodEnd || len(again) != len(recs) {
			t.Fatalf("the good prefix reads as %d records to %d, the whole as %d to %d", len(again), end2, len(recs), goodEnd)
		}
		if len(bad2) > 0 && (len(bad) == 0 || bad2[0] != bad[0]) {
			t.Fatalf("the good prefix has bad lines %v, the whole %v", bad2, bad)
		}
	})
}

// FuzzParseShard: any shard text either parses to 0 <= i < n, and prints
// back as something that parses to the same shard, or is an error that
// says how to write one.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"0/1", "3/8", " 1 / 2 ", "2/2", "-1/4", "1/0", "x/y", "1", "9223372036854775807/9223372036854775807", "0/+5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShard(s)
		if err != nil {
			if !strings.Contains(err.Error(), "i/n") && !strings.Contains(err.Error(), "0 <= i < n") {
				t.Fatalf("error %q does not say how to write a shard", err)
			}
			return
		}
		if sh.Count < 1 || sh.Index < 0 || sh.Index >= sh.Count {
			t.Fatalf("%q parsed as %+v", s, sh)
		}
		back, err := ParseShard(sh.String())
		if err != nil || back != sh {
			t.Fatalf("%q -> %v -> %+v, %v", s, sh, back, err)
		}
	})
}

// FuzzReadManifest: any manifest.json is either read as a valid manifest
// or refused with an error that names the file and does not echo it.
func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"format": 1, "space": "abc", "shard": "0/2", "version": "v1"}`))
	f.Add([]byte(`{"format": 2, "space": "abc", "shard": "all", "version": ""}`))
	f.Add([]byte(`{"format": 1, "space": "abc", "shard": "all", "extra": true}`))
	f.Add([]byte("password=hunter2\n"))
	f.Add([]byte(`{"format": 1}{"format": 1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, ok, err := readManifest(dir)
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, ManifestFile) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line naming the file", msg)
			}
			if len(data) >= 8 && strings.Contains(msg, string(data)) {
				t.Fatalf("error %q echoes the file", msg)
			}
			return
		}
		if !ok || m.Format < 1 || m.Format > manifestFormat || m.Space == "" || m.Shard == "" {
			t.Fatalf("accepted %+v (ok %v)", m, ok)
		}
	})
}

func TestReadManifestTrailingBytes(t *testing.T) {
	for text, ok := range map[string]bool{
		`{"format": 1, "space": "a", "shard": "0/2"}` + "\n":          true,
		`{"format": 1, "space": "a", "shard": "0/2"} trailing`:        false,
		`{"format": 1, "space": "a", "shard": "0/2"}{"format": 1}`:    false,
		`{"format": 1, "space": "a", "shard": "0/2", "version": "v"}`: true,
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, got, err := readManifest(dir); got != ok || (err == nil) != ok {
			t.Errorf("%q: read %v, error %v; want read %v", text, got, err, ok)
		}
	}
}
