package energy

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// presetFS holds the preset YAML files; embed.FS is read-only.
//
//go:embed presets/*.yaml
var presetFS embed.FS

const presetDir, presetExt = "presets", ".yaml"

// PresetNames returns the names of the embedded presets, sorted.
func PresetNames() []string {
	entries, err := fs.ReadDir(presetFS, presetDir)
	if err != nil { // cannot happen with a valid embed pattern
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), presetExt); ok && !e.IsDir() {
			names = append(names, n)
		}
	}
	slices.Sort(names) // by name: file order puts "loihi-calibrated" before "loihi"
	return names
}

// PresetYAML returns the embedded YAML text of preset name, comments and
// citations included, for printing, copying and editing. The slice is a
// fresh copy.
func PresetYAML(name string) ([]byte, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || !fs.ValidPath(name) {
		return nil, unknownPreset(name)
	}
	data, err := presetFS.ReadFile(presetDir + "/" + name + presetExt)
	if err != nil {
		return nil, unknownPreset(name)
	}
	return bytes.Clone(data), nil
}

// Preset returns the embedded model called name, parsed and validated.
func Preset(name string) (Model, error) {
	data, err := PresetYAML(name)
	if err != nil {
		return Model{}, err
	}
	var l modelLoader
	m, err := l.load(bytes.NewReader(data), name, "")
	if err != nil {
		return Model{}, fmt.Errorf("energy: preset %q: %w", name, err)
	}
	return m, nil
}

func unknownPreset(name string) error {
	return fmt.Errorf("energy: unknown preset %q; available: %s", name, strings.Join(PresetNames(), ", "))
}

// LoadFile reads an energy model from a YAML file: a regular file of at
// most inputfile.MaxYAMLBytes.
func LoadFile(name string) (Model, error) {
	var l modelLoader
	m, err := l.loadFile(name)
	if err != nil {
		return Model{}, fmt.Errorf("energy: %w", err)
	}
	return m, nil
}

// Resolve accepts a preset name or a path to a YAML file (anything ending
// in .yaml or .yml, or containing a path separator).
func Resolve(nameOrFile string) (Model, error) {
	if looksLikeFile(nameOrFile) {
		return LoadFile(nameOrFile)
	}
	return Preset(nameOrFile)
}
