package models

import (
	"bytes"
	"embed"
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/ann"
)

//go:embed mnist-mlp.npz
var files embed.FS

// builtin describes one embedded model.
type builtin struct {
	name, file, description string
}

// catalogue lists the built-in models in the order Names returns them.
func catalogue() []builtin {
	return []builtin{
		{"mnist-mlp", "mnist-mlp.npz", "784-512-512-10 ReLU MLP for MNIST digits (fc1, fc2, fc3), inputs x/255, Adam 15 epochs"},
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

// Builtin decodes the named model. Each call returns a new *ann.MLP that
// passes Validate.
func Builtin(name string) (*ann.MLP, error) {
	b, err := find(name)
	if err != nil {
		return nil, err
	}
	data, err := files.ReadFile(b.file)
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	m, err := ann.LoadNPZ(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	if m.Name == "" {
		m.Name = name
	}
	return m, nil
}
