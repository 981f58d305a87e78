package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spikemesh/spikemesh/nir"
	"github.com/spikemesh/spikemesh/workloads/rsnn"
)

// A graph model is a built-in network trained directly as a spiking
// network and stored as a NIR graph (<name>.nir, the weights file), which
// spikemesh runs through package graphrun rather than by ANN conversion.
type graphModel struct {
	name, description string
}

// graphCatalogue lists the built-in graph models in the order GraphNames
// returns them.
func graphCatalogue() []graphModel {
	return []graphModel{
		{"seq-mnist", "directly-trained recurrent LIF SNN, row-wise sequential MNIST (28 steps of 28 pixel/255 currents), LI readout; surrogate-gradient BPTT, Adam 16 epochs"},
	}
}

// GraphNames returns the names of the built-in graph models.
func GraphNames() []string {
	var names []string
	for _, m := range graphCatalogue() {
		names = append(names, m.name)
	}
	return names
}

// IsGraph reports whether name is a built-in graph model.
func IsGraph(name string) bool {
	for _, m := range graphCatalogue() {
		if m.name == name {
			return true
		}
	}
	return false
}

// GraphDescription returns a one-line summary of the named graph model.
func GraphDescription(name string) (string, error) {
	for _, m := range graphCatalogue() {
		if m.name == name {
			return m.description, nil
		}
	}
	return "", fmt.Errorf("models: unknown built-in graph model %q, expected one of %s", name, strings.Join(GraphNames(), ", "))
}

// LoadGraph reads the named graph model's embedded NIR file. nir.Read
// takes a path (its HDF5 decoder opens files), so the embedded bytes go
// through a temporary file that is removed before LoadGraph returns.
func LoadGraph(name string) (*nir.Graph, error) {
	if _, err := GraphDescription(name); err != nil {
		return nil, err
	}
	data, err := files.ReadFile(name + ".nir")
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	dir, err := os.MkdirTemp("", "spikemesh-model-")
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, name+".nir")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	g, err := nir.Read(path, nir.Options{})
	if err != nil {
		return nil, fmt.Errorf("models: %s: %w", name, err)
	}
	return g, nil
}

// GraphSHA256 returns the hex SHA-256 of the named graph model's
// embedded NIR file, the same hash a copy of that file on disk has, so
// that results keyed by it (explore's points) change when the weights do.
func GraphSHA256(name string) (string, error) {
	if _, err := GraphDescription(name); err != nil {
		return "", err
	}
	data, err := files.ReadFile(name + ".nir")
	if err != nil {
		return "", fmt.Errorf("models: %s: %w", name, err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:]), nil
}

// GraphRecipe returns the training recipe of a built-in graph model;
// spikemesh train --model NAME follows it.
func GraphRecipe(name string) (rsnn.Config, error) {
	switch name {
	case "seq-mnist":
		return rsnn.DefaultConfig(), nil
	}
	return rsnn.Config{}, fmt.Errorf("models: no training recipe for graph model %q (available: %s)", name, strings.Join(GraphNames(), ", "))
}

// GraphSummary describes the named graph model's layers from its embedded
// graph, as "NIR: 28 -> 128 LIF (recurrent) -> 10 LI".
func GraphSummary(name string) (string, error) {
	g, err := LoadGraph(name)
	if err != nil {
		return "", err
	}
	n, err := rsnn.FromNIR(g, rsnn.DefaultShape().DT)
	if err != nil {
		return "", fmt.Errorf("models: %s: %w", name, err)
	}
	s := n.Shape
	return fmt.Sprintf("NIR: %d -> %d LIF (recurrent) -> %d LI", s.In, s.Hidden, s.Out), nil
}
