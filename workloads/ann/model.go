package ann

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spikemesh/spikemesh/internal/inputfile"
	"github.com/spikemesh/spikemesh/internal/yamlstrict"
)

// ModelFile is the model description: the layer list of a Net, with the
// names of its arrays in the .npz archive Weights. It is read from YAML (or
// JSON, which YAML parses) with unknown fields rejected. See docs/import.md.
type ModelFile struct {
	Name    string      `yaml:"name" json:"name"`
	Input   []int       `yaml:"input" json:"input"`     // [C, H, W], or [N] for a flat input
	Weights string      `yaml:"weights" json:"weights"` // .npz path, relative to the description file
	Layers  []LayerSpec `yaml:"layers" json:"layers"`
}

// LayerSpec is one entry of ModelFile.Layers. Type is one of dense, conv2d,
// avgpool2d, maxpool2d, flatten, relu, qcfs, add, batchnorm1d, batchnorm2d.
// Array names default to "<name>.weight", "<name>.bias",
// "<name>.running_mean" and "<name>.running_var"; a defaulted bias (or
// batch-norm weight and bias) may be absent from the archive.
type LayerSpec struct {
	Type        string  `yaml:"type" json:"type"`
	Name        string  `yaml:"name,omitempty" json:"name,omitempty"`
	OutFeatures int     `yaml:"out_features,omitempty" json:"out_features,omitempty"` // dense
	OutChannels int     `yaml:"out_channels,omitempty" json:"out_channels,omitempty"` // conv2d
	Kernel      int     `yaml:"kernel,omitempty" json:"kernel,omitempty"`             // conv2d, pools
	Stride      int     `yaml:"stride,omitempty" json:"stride,omitempty"`             // default 1 (conv2d), kernel (pools)
	Padding     int     `yaml:"padding,omitempty" json:"padding,omitempty"`           // default 0
	Groups      int     `yaml:"groups,omitempty" json:"groups,omitempty"`             // conv2d, default 1
	Weight      string  `yaml:"weight,omitempty" json:"weight,omitempty"`             // array name
	Bias        string  `yaml:"bias,omitempty" json:"bias,omitempty"`                 // array name
	RunningMean string  `yaml:"running_mean,omitempty" json:"running_mean,omitempty"` // batchnorm
	RunningVar  string  `yaml:"running_var,omitempty" json:"running_var,omitempty"`   // batchnorm
	Eps         float64 `yaml:"eps,omitempty" json:"eps,omitempty"`                   // batchnorm, default 1e-5
	Levels      int     `yaml:"levels,omitempty" json:"levels,omitempty"`             // qcfs
	Lambda      float64 `yaml:"lambda,omitempty" json:"lambda,omitempty"`             // qcfs
	From        string  `yaml:"from,omitempty" json:"from,omitempty"`                 // add
}

// modelTypes lists the layer types a model description accepts.
var modelTypes = []string{"dense", "conv2d", "avgpool2d", "maxpool2d", "flatten", "relu", "qcfs", "add", "batchnorm1d", "batchnorm2d"}

// LoadModel reads a model description (YAML or JSON) and the .npz archive it
// names, folds batch-norm layers into the preceding dense or conv2d layer,
// and returns the Net. Every problem is reported at once, each naming the
// layer and, for arrays, the array, the shape found and the shape expected.
//
// Both files must be regular files within their size limits
// (internal/inputfile), and the weights path must be local to the
// description's folder (see WeightsPath).
func LoadModel(path string) (*Net, error) {
	desc, err := inputfile.Read(path, inputfile.ModelDesc)
	if err != nil {
		return nil, fmt.Errorf("ann: %w", err)
	}
	mf, err := ParseModelFile(desc)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	wpath, err := WeightsPath(path, mf.Weights)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	f, size, err := inputfile.Open(wpath, inputfile.Weights)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: weights: %w", path, err)
	}
	defer f.Close()
	// The archive is read entry by entry from the file (an io.ReaderAt),
	// each entry bounded by MaxArrayBytes, never whole.
	n, err := BuildNet(mf, f, size)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	return n, nil
}

// WeightsPath resolves the weights field of the description at descPath.
// The field must be a local path (filepath.IsLocal: relative, no ".."
// leaving the folder, not empty), resolved against the description's
// folder. The rule keeps a description and its weights one self-contained
// folder that can be moved or shared, and stops a description received from
// someone else from making spikemesh open files elsewhere on the machine
// (/dev/zero, /proc, another user's data). A symbolic link inside the
// folder is followed: whoever can create it there can read its target.
func WeightsPath(descPath, weights string) (string, error) {
	if weights == "" {
		return "", errors.New("weights (the .npz file) is not set")
	}
	if !filepath.IsLocal(weights) {
		return "", errors.New("weights must be a path relative to the description's folder, without \"..\" leaving it (put the .npz next to the description)")
	}
	return filepath.Join(filepath.Dir(descPath), weights), nil
}

// ParseModelFile decodes a model description strictly: unknown fields and
// a second YAML document are errors, and errors never quote the file's
// content (internal/yamlstrict).
func ParseModelFile(desc []byte) (*ModelFile, error) {
	var mf ModelFile
	if err := yamlstrict.Decode(desc, &mf); err != nil {
		if errors.Is(err, yamlstrict.ErrEmpty) {
			return nil, errors.New("not a model description: the file is empty")
		}
		return nil, fmt.Errorf("not a valid model description: %w", err)
	}
	return &mf, nil
}

// checkFields reports settings that do not apply to the layer type.
func checkFields(ls LayerSpec, lerr func(string, ...any)) {
	type field struct {
		name string
		set  bool
		ok   []string
	}
	conv, pool := []string{"conv2d"}, []string{"conv2d", "avgpool2d", "maxpool2d"}
	wb := []string{"dense", "conv2d", "batchnorm1d", "batchnorm2d"}
	bn := []string{"batchnorm1d", "batchnorm2d"}
	for _, f := range []field{
		{"out_features", ls.OutFeatures != 0, []string{"dense"}},
		{"out_channels", ls.OutChannels != 0, conv},
		{"kernel", ls.Kernel != 0, pool}, {"stride", ls.Stride != 0, pool}, {"padding", ls.Padding != 0, pool},
		{"groups", ls.Groups != 0, conv},
		{"weight", ls.Weight != "", wb}, {"bias", ls.Bias != "", wb},
		{"running_mean", ls.RunningMean != "", bn}, {"running_var", ls.RunningVar != "", bn}, {"eps", ls.Eps != 0, bn},
		{"levels", ls.Levels != 0, []string{"qcfs"}}, {"lambda", ls.Lambda != 0, []string{"qcfs"}},
		{"from", ls.From != "", []string{"add"}},
	} {
		if f.set && !slices.Contains(f.ok, ls.Type) {
			lerr("%s does not apply to %s (only to %s)", f.name, ls.Type, strings.Join(f.ok, ", "))
		}
	}
}
