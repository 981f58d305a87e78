// Command torchcheck compares spikemesh's float forward pass of an exported
// model with PyTorch's outputs. tools/export_torch.py --check writes the
// inputs and PyTorch's scores to PREFIX.check.npz (arrays x, shape (N, C, H,
// W) or (N, F), and y, shape (N, classes), both float32) and runs
//
//	go run ./tools/torchcheck PREFIX.yaml PREFIX.check.npz
//
// The model is loaded the way `spikemesh run --model PREFIX.yaml` loads it
// (models.Resolve). torchcheck prints the largest difference and how many
// predictions agree, and exits 1 when a score differs by more than
// absTol + relTol·|torch score|.
package main

import (
	"fmt"
	"math"
	"os"

	"github.com/spikemesh/spikemesh/internal/npyfile"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// absTol and relTol bound the float32 disagreement between two correct
// implementations: spikemesh sums with gonum's Sgemm, PyTorch with its own
// kernels, in other orders. float32 has a relative precision of 6e-8; a
// few layers of sums over a few thousand terms stay well inside 1e-4
// (the fixtures of workloads/ann agree within 2e-6).
const (
	absTol = 1e-4
	relTol = 1e-4
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: torchcheck MODEL.yaml CHECK.npz")
		os.Exit(2)
	}
	r, err := run(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "torchcheck:", err)
		os.Exit(1)
	}
	fmt.Println(r)
	if r.outside > 0 {
		os.Exit(1)
	}
}

// result summarises one comparison.
type result struct {
	samples, classes int
	maxAbs, maxRel   float64 // largest |go - torch|, and that over |torch|
	outside          int     // scores beyond absTol + relTol·|torch|
	agree            int     // samples whose predicted class is the same
}

func (r result) String() string {
	verdict := "OK"
	if r.outside > 0 {
		verdict = fmt.Sprintf("FAIL: %d scores beyond %g + %g·|torch|", r.outside, absTol, relTol)
	}
	return fmt.Sprintf("%d samples x %d scores: max |go - torch| = %.3g (relative %.3g), same prediction on %d/%d; %s",
		r.samples, r.classes, r.maxAbs, r.maxRel, r.agree, r.samples, verdict)
}

func run(modelPath, checkPath string) (result, error) {
	n, err := models.Resolve(modelPath)
	if err != nil {
		return result{}, err
	}
	x, y, err := readCheck(checkPath)
	if err != nil {
		return result{}, err
	}
	return compare(n, x, y)
}

// compare runs n on every sample of x and compares its last layer's
// outputs with y.
func compare(n *ann.Net, x, y []float32) (result, error) {
	in, classes := n.Input.Size(), n.OutShape().Size()
	if len(x)%in != 0 || len(x)/in*classes != len(y) || len(x) == 0 {
		return result{}, fmt.Errorf("x has %d values and y %d: expected N x %d (the model's input %s) and N x %d", len(x), len(y), in, n.Input, classes)
	}
	ws, err := n.NewWorkspace(1)
	if err != nil {
		return result{}, err
	}
	r := result{samples: len(x) / in, classes: classes}
	for s := range r.samples {
		pred := n.Forward(x[s*in:(s+1)*in], ws)
		got, want := ws.Acts[len(ws.Acts)-1], y[s*classes:(s+1)*classes]
		best := 0
		for k, w := range want {
			d := math.Abs(float64(got[k]) - float64(w))
			r.maxAbs = max(r.maxAbs, d)
			if w != 0 {
				r.maxRel = max(r.maxRel, d/math.Abs(float64(w)))
			}
			if d > absTol+relTol*math.Abs(float64(w)) {
				r.outside++
			}
			if w > want[best] {
				best = k
			}
		}
		if pred == best {
			r.agree++
		}
	}
	return r, nil
}

// maxCheckBytes bounds each array of a check file (1 GiB, as model weights).
const maxCheckBytes = 1 << 30

// readCheck reads the float32 arrays x (inputs) and y (torch's outputs)
// that export_torch.py --check writes.
func readCheck(path string) (x, y []float32, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	z, err := npyfile.OpenArchive(path, f, st.Size(), maxCheckBytes)
	if err != nil {
		return nil, nil, err
	}
	get := func(key string) ([]float32, error) {
		a, err := z.Read(key)
		if err != nil {
			return nil, err
		}
		v, ok := a.Data.([]float32)
		if !ok {
			return nil, fmt.Errorf("%s: array %s is %T, want float32", path, key, a.Data)
		}
		return v, nil
	}
	if x, err = get("x"); err != nil {
		return nil, nil, err
	}
	if y, err = get("y"); err != nil {
		return nil, nil, err
	}
	return x, y, nil
}
