package energy

import (
	"github.com/spikemesh/spikemesh/internal/inputfile"

	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file lets a model YAML start from another with "base: NAME" (a
// preset) or "base: FILE.yaml" (relative to the file naming it) and give
// only the keys that change, as chip YAML files can.

// maxBaseDepth bounds a chain of bases (the same bound as chip's).
const maxBaseDepth = 16

// modelLoader reads model documents, following bases.
type modelLoader struct {
	chain []string // documents being read, outermost first
}

func (l *modelLoader) enter(name string) error {
	if slices.Contains(l.chain, name) {
		return fmt.Errorf("base cycle: %s -> %s", strings.Join(l.chain, " -> "), name)
	}
	if len(l.chain) >= maxBaseDepth {
		return fmt.Errorf("base chain %s is longer than %d", strings.Join(l.chain, " -> "), maxBaseDepth)
	}
	l.chain = append(l.chain, name)
	return nil
}

func (l *modelLoader) leave() { l.chain = l.chain[:len(l.chain)-1] }

// resolveBase loads a base model: a preset name, or a file relative to dir.
func (l *modelLoader) resolveBase(base, dir string) (Model, error) {
	if !looksLikeFile(base) {
		data, err := PresetYAML(base)
		if err != nil {
			return Model{}, fmt.Errorf("base %q: unknown preset (available: %s; or give a .yaml file)", base, strings.Join(PresetNames(), ", "))
		}
		m, err := l.load(bytes.NewReader(data), base, "")
		if err != nil {
			return Model{}, fmt.Errorf("base %s: %w", base, err)
		}
		return m, nil
	}
	p := base
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	return l.loadFile(p)
}

// loadFile opens and loads a model file; errors name the file.
func (l *modelLoader) loadFile(name string) (Model, error) {
	data, err := inputfile.Read(name, inputfile.EnergyYAML)
	if err != nil {
		return Model{}, err
	}
	m, err := l.load(bytes.NewReader(data), filepath.Clean(name), filepath.Dir(name))
	if err != nil {
		return Model{}, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
}

func looksLikeFile(s string) bool {
	return strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, os.PathSeparator)
}

// startFromBase looks for the base key in a model mapping; if there is one
// it sets *m to the base model (its Sources copied, so changes stay local)
// and reports true.
func startFromBase(root *yaml.Node, m *Model, resolveBase func(string) (Model, error)) (bool, error) {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := deref(root.Content[i]), deref(root.Content[i+1])
		if k.Kind != yaml.ScalarNode || k.Value != keyBase {
			continue
		}
		name, err := scalarString(v)
		if err != nil || strings.TrimSpace(name) == "" {
			return false, fmt.Errorf("line %d: %s must name a preset (%s) or a YAML file", v.Line, keyBase, strings.Join(PresetNames(), ", "))
		}
		b, err := resolveBase(strings.TrimSpace(name))
		if err != nil {
			return false, fmt.Errorf("line %d: %w", v.Line, err)
		}
		b.Sources = maps.Clone(b.Sources)
		if b.Sources == nil {
			b.Sources = map[string]string{}
		}
		*m = b
		return true, nil
	}
	return false, nil
}
