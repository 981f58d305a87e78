package explore

import (
	"archive/zip"
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

var updateExample = flag.Bool("update-example", false, "rewrite spaces/braille_input.npz")

// brailleInput is the example NIR space's input (spaces/braille_input.npz):
// 16 samples of 50 timesteps of Bernoulli(0.3) spikes on the Braille
// model's 12 input channels, from PCG(1, 1), as float32, without labels.
// It is generated, not recorded: it exercises the chip, it is not a task.
func brailleInput(t *testing.T) []byte {
	const n, T, channels, p = 16, 50, 12, 0.3
	rng := rand.New(rand.NewPCG(1, 1))
	data := make([]float32, n*T*channels)
	for i := range data {
		if rng.Float64() < p {
			data[i] = 1
		}
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create("data.npy")
	if err != nil {
		t.Fatal(err)
	}
	if err := npyfile.Write(w, []int{n, T, channels}, data); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestExampleInputGenerated: the committed example input is what
// brailleInput generates (go test -update-example rewrites it).
func TestExampleInputGenerated(t *testing.T) {
	want := brailleInput(t)
	const path = "spaces/braille_input.npz"
	if *updateExample {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what brailleInput generates; run go test ./explore -run TestExampleInputGenerated -update-example", path)
	}
}
