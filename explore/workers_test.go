package explore

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// sweepWorkers sweeps s with 1 and then 2 workers into fresh folders,
// calls check on each outcome, fails the test unless both points.csv are
// byte-identical, and returns the 2-worker results.
func sweepWorkers(t *testing.T, s *Space, check func(workers int, out *Outcome)) []Result {
	t.Helper()
	var csv [2][]byte
	var results []Result
	for i, workers := range []int{1, 2} {
		dir := t.TempDir()
		out, err := Sweep(context.Background(), s, Options{Dir: dir, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		check(workers, out)
		if _, err := WriteOutputs(dir, s, out.Results); err != nil {
			t.Fatal(err)
		}
		if csv[i], err = os.ReadFile(filepath.Join(dir, PointsCSV)); err != nil {
			t.Fatal(err)
		}
		results = out.Results
	}
	if !bytes.Equal(csv[0], csv[1]) {
		t.Errorf("points.csv differs between 1 and 2 workers:\n%s\n%s", csv[0], csv[1])
	}
	return results
}
