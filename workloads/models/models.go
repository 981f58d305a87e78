package models

import (
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/ann"
)

//go:embed *.yaml *.npz *.nir
var files embed.FS

// builtin describes one embedded model: a model description (YAML) and the
// .npz it names.
type builtin struct {
	name, description string
}

// catalogue lists the built-in models in the order Names returns them.
func catalogue() []builtin {
	return []builtin{
		{"mnist-mlp", "784-512-512-10 ReLU MLP (fc1, fc2, fc3), inputs x/255, Adam 15 epochs"},
		{"mnist-cnn", "CNN conv5x5x16-relu-avgpool2-conv5x5x32-relu-avgpool2-dense128-relu-dense10, inputs x/255, Adam 10 epochs"},
		{"mnist-mlp-qcfs", "784-512-512-10 MLP with QCFS activations (L=8, learned λ) for exact conversion"},
		{"mnist-cnn-qcfs", "mnist-cnn with QCFS activations (L=8, learned λ) for exact conversion"},
		{"fashion-cnn", "mnist-cnn's architecture trained on Fashion-MNIST (clothing, 10 classes), inputs x/255, Adam 10 epochs; runs on --dataset fashion-mnist"},
	}
}

func find(name string) (builtin, error) {
	var names []string
	for _, b := range catalogue() {
		if b.name == name {
			return b, nil
		}
		names = append(names, b.name)
	}
	return builtin{}, fmt.Errorf("models: unknown built-in model %q, expected one of %s", name, strings.Join(names, ", "))
}

// Names returns the names of the built-in models.
func Names() []string {
	var names []string
	for _, b := range catalogue() {
		names = append(names, b.name)
	}
	return names
}

// Description returns a one-line summary of the named model.
func Description(name string) (string, error) {
	b, err := find(name)
	if err != nil {
		return "", err
	}
	return b.description, nil
}

// Load decodes the named built-in model. Each call returns a new *ann.Net
// that passes Validate.
func Load(name string) (*ann.Net, error) {
	if _, err := find(name); err != nil {
		return nil, err
	}
	desc, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	mf, err := ann.ParseModelFile(desc)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	data, err := files.ReadFile(mf.Weights)
	if err != nil {
		return nil, fmt.Errorf("models: %s: weights: %w", name, err)
	}
	n, err := ann.BuildNet(mf, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	if n.Name == "" {
		n.Name = name
	}
	return n, nil
}

// Resolve returns a built-in model by name, or reads a model description
// (a path ending in .yaml, .yml or .json, or any existing file) with
// ann.LoadModel. Framework files (.pt, .pth, .onnx, ...) and bare .npz
// weights are refused with a one-line error saying what to pass instead.
func Resolve(nameOrPath string) (*ann.Net, error) {
	if _, err := find(nameOrPath); err == nil {
		return Load(nameOrPath)
	}
	ext := strings.ToLower(filepath.Ext(nameOrPath))
	if hint := foreignFormat(ext); hint != "" {
		return nil, fmt.Errorf("models: %s is %s; %s", nameOrPath, hint, exportHint)
	}
	if ext == ".npz" {
		return nil, fmt.Errorf("models: %s holds weights only; pass the model description (.yaml) that names it in its weights field (spikemesh train writes both; see docs/import.md for the format)", nameOrPath)
	}
	if ext == ".yaml" || ext == ".yml" || ext == ".json" {
		return ann.LoadModel(nameOrPath)
	}
	if st, err := os.Stat(nameOrPath); err == nil && !st.IsDir() {
		return ann.LoadModel(nameOrPath)
	}
	_, err := find(nameOrPath)
	return nil, fmt.Errorf("%w, or a model description file (.yaml, .yml, .json)", err)
}

// foreignFormat describes the framework format ("a PyTorch file") of a file extension that
// Resolve recognises, or returns "".
func foreignFormat(ext string) string {
	switch ext {
	case ".pt", ".pth", ".ckpt":
		return "a PyTorch file"
	case ".onnx":
		return "an ONNX file"
	case ".safetensors":
		return "a safetensors file"
	case ".h5", ".keras":
		return "a Keras file"
	}
	return ""
}

// exportHint is what Resolve tells a user who passed a framework file.
const exportHint = "spikemesh reads a model description (.yaml) plus .npz weights: export a PyTorch module with tools/export_torch.py (python3 tools/export_torch.py --help; docs/import.md)"
