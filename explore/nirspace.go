package explore

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/spikemesh/spikemesh/graphrun"
	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/nirconv"
)

// NIRModel is the workload of a space that sweeps a NIR graph (the space
// file's model and input fields, docs/explore.md "Sweeping a NIR model"):
// the graph and its inputs, read once when the space is parsed and shared,
// read-only, by every point.
type NIRModel struct {
	ModelPath string // as resolved against the space file's directory
	InputPath string
	Graph     *nir.Graph
	Input     *graphrun.Input
	DT        float64 // s
	// BuiltIn is set for a built-in graph model (workload: seq-mnist),
	// whose graph and input are embedded in the binary (graphspace.go);
	// ModelPath is then its name and InputPath names its input.
	BuiltIn bool
}

// Labelled reports whether the input has labels, so that points have an
// accuracy.
func (m *NIRModel) Labelled() bool { return m.Input.Labels != nil }

// nirFile is the space file's model and input fields, resolved.
type nirFile struct {
	model, input string
	dt           float64
}

// resolvePath makes a path in a space file relative to the space file's
// directory (dir); absolute paths are kept.
func resolvePath(dir, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// loadNIR reads the graph and input of a NIR space, sets the base
// configuration's workload fields and returns every problem at once.
func loadNIR(f nirFile, pc *PointConfig) (*NIRModel, []error) {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if f.model == "" {
		fail("model: the space names an input (%s) but no NIR model file", f.input)
	}
	if f.input == "" {
		fail("input: the space names a NIR model (%s) but no input file (.npy or .npz, [samples, T, channels...])", f.model)
	}
	if !(f.dt >= 0) || math.IsInf(f.dt, 0) {
		fail("dt is %g s, must be a finite time step > 0 (or omitted: %g s)", f.dt, nirconv.DefaultDT)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	m := &NIRModel{ModelPath: f.model, InputPath: f.input, DT: f.dt}
	if m.DT == 0 {
		m.DT = nirconv.DefaultDT
	}
	// Only regular files: a device or a pipe named by mistake could be
	// endless or block.
	var err error
	var mh, ih string
	if err = regularFile(f.model); err != nil {
		fail("model: %v", err)
	} else if m.Graph, err = nir.Read(f.model, nir.Options{}); err != nil {
		fail("model: %s", oneLine(err))
	} else if mh, err = fileSHA256(f.model); err != nil {
		fail("model: %v", err)
	}
	if err = regularFile(f.input); err != nil {
		fail("input: %v", err)
	} else if m.Input, err = graphrun.ReadInput(f.input); err != nil {
		fail("input: %s", oneLine(err))
	} else if ih, err = fileSHA256(f.input); err != nil {
		fail("input: %v", err)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	pc.Workload = filepath.Base(f.model)
	pc.ModelSHA256, pc.InputSHA256, pc.DT = mh, ih, m.DT
	// A NIR graph is not converted and its input is not encoded: the
	// conversion and seed fields stay zero (and out of every point's key's
	// meaning), and the run length defaults to the whole input.
	pc.Method, pc.Percentile, pc.Encoder, pc.Seed = 0, 0, 0, 0
	if pc.Samples == 0 {
		pc.Samples = m.Input.Samples
	}
	if pc.Samples < 1 || pc.Samples > m.Input.Samples {
		fail("samples is %d, must be in 1..%d (the samples in %s)", pc.Samples, m.Input.Samples, f.input)
	}
	pc.Timesteps = m.Input.T
	return m, errs
}

// regularFile refuses a path that is missing or not a regular file.
func regularFile(name string) error {
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s: no such file", name)
	case err != nil:
		return fmt.Errorf("%s: cannot read the file", name)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s: not a regular file", name)
	}
	return nil
}

// fileSHA256 is the hex SHA-256 of a file's contents, streamed. Points
// are keyed by the model's and input's contents, not their paths, so a
// moved file keeps its stored points and an edited one does not.
func fileSHA256(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%s: no such file", name)
		}
		return "", fmt.Errorf("%s: cannot read the file", name)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: cannot read the file", name)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// nirParamError refuses parameters that mean nothing for a NIR graph: the
// conversion's (a NIR graph is already a spiking network) and the rate
// coder's seed (the input file is the spike trains).
func nirParamError(def *paramDef) error {
	switch {
	case def.group == "conversion":
		return fmt.Errorf("parameter %s is a conversion setting of the built-in ANN workloads; a NIR model is run as it is", def.name)
	case def.name == "seed":
		return fmt.Errorf("parameter seed sets the rate coder of the built-in ANN workloads; a NIR model's input file holds its spike trains")
	}
	return nil
}
