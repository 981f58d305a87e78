package dataset

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/fashion"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// Kind says what a dataset holds.
type Kind uint8

const (
	// ImageKind is labelled images for converted ANN models.
	ImageKind Kind = iota + 1
	// SequenceKind is [N, T, channels] sequences for NIR graphs.
	SequenceKind
)

func (k Kind) String() string {
	switch k {
	case ImageKind:
		return "images"
	case SequenceKind:
		return "sequences"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Set is a loaded dataset: Images or Sequences, as Kind says.
type Set struct {
	Name      string // "mnist", "fashion-mnist" or the file's path
	Kind      Kind
	Images    *Images    // Kind == ImageKind
	Sequences *Sequences // Kind == SequenceKind
}

// Images is a labelled image set with calibration images.
type Images struct {
	Test        *mnist.Set // the evaluated images (pixels 0..255 meaning x/255) and labels
	Calib       *mnist.Set // calibration images for conversion (labels unused)
	CalibSource string     // where Calib came from, for reports
	// Shape is the per-image shape [C, H, W]; an [N, D] file gives
	// [D, 1, 1] and sets Flat.
	Shape [3]int
	Flat  bool
}

// Sequences is a batch of input sequences with per-sample labels or
// per-step targets (exactly one of Labels and StepTargets is set).
type Sequences struct {
	N, T        int
	Shape       []int     // per-step shape (channels...), as in the file
	Channels    int       // product of Shape
	X           []float64 // N*T*Channels values, row-major, finite, >= 0
	Labels      []int     // [N] class labels, or nil
	StepTargets []float64 // [N*T] per-step targets, or nil
}

// Builtin names accepted by Open besides file paths.
const (
	MNIST        = "mnist"
	FashionMNIST = "fashion-mnist"
)

// calibCount is how many leading images of x calibrate conversion when a
// file has no x_calib: the size of the built-in sets' embedded
// calibration subsets (workloads/mnist, workloads/fashion).
const calibCount = 2000

// builtinTestImages is the size of both built-in test sets.
const builtinTestImages = 10000

// Open loads a built-in image set by name (MNIST, FashionMNIST: the
// 10,000 test images and the embedded 2,000 calibration images) or reads a
// .npz dataset file with ReadFile.
func Open(nameOrPath string) (*Set, error) {
	var test, calib *mnist.Set
	var err error
	switch nameOrPath {
	case MNIST:
		if test, err = mnist.Test(); err == nil {
			calib, err = mnist.Calibration()
		}
	case FashionMNIST:
		if test, err = fashion.Test(); err == nil {
			calib, err = fashion.Calibration()
		}
	default:
		if err := checkFileName(nameOrPath); err != nil {
			return nil, err
		}
		return ReadFile(nameOrPath)
	}
	if err != nil {
		return nil, err
	}
	return &Set{Name: nameOrPath, Kind: ImageKind, Images: &Images{
		Test: test, Calib: calib, Shape: [3]int{1, test.Rows, test.Cols},
		CalibSource: fmt.Sprintf("%d calibration images", calib.N), // the first of the training set (package doc)
	}}, nil
}

// CheckNet reports whether net can take these images and their labels:
// the per-image size must equal the model's input size, 4-D images must
// have the model's [C, H, W] exactly when the model is not flat (an [N, D]
// file is reshaped row-major), and every label must be below the model's
// output count.
func (s *Set) CheckNet(model string, net *ann.Net) error {
	if s.Kind != ImageKind {
		return fmt.Errorf("dataset: %s holds %s ([N, T, channels] x); model %s is a converted ANN and needs images ([N, C, H, W] or [N, D] x)", s.Name, s.Kind, model)
	}
	im := s.Images
	in := net.Input
	size := im.Shape[0] * im.Shape[1] * im.Shape[2]
	if size != in.Size() || (!im.Flat && !in.Flat() && im.Shape != [3]int{in.C, in.H, in.W}) {
		got := fmt.Sprintf("%dx%dx%d", im.Shape[0], im.Shape[1], im.Shape[2])
		if im.Flat {
			got = fmt.Sprint(size)
		}
		return fmt.Errorf("dataset: %s: array x: samples are %s, model %s takes %s inputs (%d values)", s.Name, got, model, in, in.Size())
	}
	classes := net.OutShape().Size()
	for i, l := range im.Test.Labels {
		if int(l) >= classes {
			return fmt.Errorf("dataset: %s: array y: label %d of sample %d, model %s has %d outputs (labels 0..%d)", s.Name, l, i, model, classes, classes-1)
		}
	}
	return nil
}

// CheckSteps reports whether the sequences are long enough for a run of T
// timesteps and have per-sample labels (run scores accuracy on those).
func (s *Set) CheckSteps(T int) error {
	if s.Kind != SequenceKind {
		return fmt.Errorf("dataset: %s holds %s; a NIR graph needs [N, T, channels] sequences in x", s.Name, s.Kind)
	}
	q := s.Sequences
	if T > q.T {
		return fmt.Errorf("dataset: %s: array x: sequences have %d timesteps, the run needs %d", s.Name, q.T, T)
	}
	return nil
}

// checkFileName refuses a name that is neither built in nor a .npz file.
func checkFileName(name string) error {
	if !strings.HasSuffix(strings.ToLower(name), ".npz") {
		return fmt.Errorf("dataset: %q is neither a built-in set (%s, %s) nor a .npz file (see docs/import.md)", name, MNIST, FashionMNIST)
	}
	return nil
}
