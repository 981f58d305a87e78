package ann

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
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
func LoadModel(path string) (*Net, error) {
	desc, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ann: %w", err)
	}
	mf, err := ParseModelFile(desc)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	if mf.Weights == "" {
		return nil, fmt.Errorf("ann: %s: weights (the .npz file) is not set", path)
	}
	wpath := mf.Weights
	if !filepath.IsAbs(wpath) {
		wpath = filepath.Join(filepath.Dir(path), wpath)
	}
	data, err := os.ReadFile(wpath)
	if err != nil {
		return nil, fmt.Errorf("ann: %s: weights: %w", path, err)
	}
	n, err := BuildNet(mf, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("ann: %s: %w", path, err)
	}
	return n, nil
}

// ParseModelFile decodes a model description strictly (unknown fields are
// errors).
func ParseModelFile(desc []byte) (*ModelFile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(desc))
	dec.KnownFields(true)
	var mf ModelFile
	if err := dec.Decode(&mf); err != nil {
		return nil, fmt.Errorf("model description: %w", err)
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
