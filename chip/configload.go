package chip

import (
	"github.com/spikemesh/spikemesh/internal/inputfile"
	"github.com/spikemesh/spikemesh/internal/yamlstrict"

	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// This file reads chip YAML: presence checks, "base:" inheritance and
// key=value overrides. yaml.v3 decodes the values; what it cannot do is say
// which keys a document left out (a missing field would silently stay 0),
// so the keys are checked on the parsed yaml.Node first, as the energy
// loader does.

// baseKey names the preset or file a chip YAML starts from.
const baseKey = "base"

// maxBaseDepth bounds a chain of bases; a longer chain is almost surely a
// mistake, and the bound keeps a pathological file from recursing deeply.
const maxBaseDepth = 16

// configLoader reads one chip document, following its base.
type configLoader struct {
	chain []string // documents being read, outermost first, to detect cycles
}

// load decodes one YAML document named name (a preset name or a file path,
// for messages and cycle detection). dir is where a relative base file is
// looked up. Unknown keys, and without a base missing keys, are errors.
func (l *configLoader) load(data []byte, name, dir string) (Config, error) {
	if slices.Contains(l.chain, name) {
		return Config{}, cycleError(fmt.Sprintf("chip: base cycle: %s -> %s", strings.Join(l.chain, " -> "), name))
	}
	if len(l.chain) >= maxBaseDepth {
		return Config{}, fmt.Errorf("chip: base chain %s is longer than %d", strings.Join(l.chain, " -> "), maxBaseDepth)
	}
	l.chain = append(l.chain, name)
	defer func() { l.chain = l.chain[:len(l.chain)-1] }()

	doc, err := yamlstrict.Node(data)
	if err != nil {
		if errors.Is(err, yamlstrict.ErrEmpty) {
			return Config{}, errors.New("chip: config is empty")
		}
		return Config{}, fmt.Errorf("chip: not a valid chip configuration: %w", err)
	}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return Config{}, fmt.Errorf("chip: not a valid chip configuration: line %d: the document must be a mapping of field: value", root.Line)
	}
	base, given, err := splitBase(root)
	if err != nil {
		return Config{}, err
	}
	var c Config
	if base != "" {
		if c, err = l.resolveBase(base, dir); err != nil {
			return Config{}, err
		}
	}
	// Decode over the start: the base's values, or the zero Config. Only
	// the keys given are written (splitBase has rejected unknown ones).
	if err := root.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("chip: not a valid chip configuration: %w", yamlstrict.Clean(err))
	}
	if base == "" {
		var missing []string
		for _, k := range requiredKeys() {
			if !given[k] {
				missing = append(missing, k)
			}
		}
		if len(missing) > 0 {
			return Config{}, fmt.Errorf("chip: config %q: missing fields: %s (a file without %q must give every field; or start from a preset with \"base: loihi\" and list only what changes)",
				c.Name, strings.Join(missing, ", "), baseKey)
		}
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("chip: invalid config %q:\n%w", c.Name, err)
	}
	return c, nil
}

// splitBase removes the base key from a mapping node and returns its value
// and the set of the other keys given. An unknown key is an error naming it.
func splitBase(root *yaml.Node) (base string, given map[string]bool, err error) {
	known := ConfigKeys()
	given = map[string]bool{}
	kept := root.Content[:0:0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != baseKey {
			if !slices.Contains(known, k.Value) {
				return "", nil, fmt.Errorf("chip: line %d: unknown field %s; valid fields: %s, %s", k.Line, yamlstrict.Key(k.Value), baseKey, strings.Join(known, ", "))
			}
			if given[k.Value] {
				return "", nil, fmt.Errorf("chip: line %d: field %s is given twice", k.Line, yamlstrict.Key(k.Value))
			}
			given[k.Value] = true
			kept = append(kept, k, v)
			continue
		}
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			return "", nil, fmt.Errorf("chip: line %d: %s must name a preset (%s) or a YAML file", v.Line, baseKey, strings.Join(PresetNames(), ", "))
		}
		base = strings.TrimSpace(v.Value)
	}
	root.Content = kept
	return base, given, nil
}

// resolveBase loads a base: a preset name, or a YAML file relative to dir.
func (l *configLoader) resolveBase(base, dir string) (Config, error) {
	if !looksLikeFile(base) {
		b, err := PresetYAML(base)
		if err != nil {
			return Config{}, fmt.Errorf("chip: base %q: unknown preset (available: %s; or give a .yaml file)", base, strings.Join(PresetNames(), ", "))
		}
		c, err := l.load(b, base, "")
		if err != nil {
			return Config{}, fmt.Errorf("chip: base %s: %w", base, err)
		}
		return c, nil
	}
	p := base
	if !filepath.IsAbs(p) && dir != "" {
		p = filepath.Join(dir, p)
	}
	return l.loadFile(p)
}

// loadFile opens and loads a chip YAML file.
func (l *configLoader) loadFile(name string) (Config, error) {
	data, err := inputfile.Read(name, inputfile.ChipYAML)
	if err != nil {
		return Config{}, fmt.Errorf("chip: %w", err)
	}
	c, err := l.load(data, filepath.Clean(name), filepath.Dir(name))
	var cyc cycleError
	if err != nil && !errors.As(err, &cyc) { // a cycle already names every file
		return Config{}, fmt.Errorf("%s: %w", name, err)
	}
	return c, err
}

// cycleError is a cycle of bases; its message names every file of it.
type cycleError string

func (e cycleError) Error() string { return string(e) }

func looksLikeFile(s string) bool {
	return strings.HasSuffix(s, ".yaml") || strings.HasSuffix(s, ".yml") || strings.ContainsRune(s, os.PathSeparator)
}

// configField is one YAML key of Config and where its value lives.
type configField struct {
	key      string
	index    int  // field index in Config
	optional bool // omitempty: its zero value has a documented meaning
}

// configFields lists Config's YAML keys in declaration order, read from the
// struct tags so the list cannot drift from the struct.
func configFields() []configField {
	t := reflect.TypeFor[Config]()
	out := make([]configField, 0, t.NumField())
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		key, opts, _ := strings.Cut(tag, ",")
		if key == "" || key == "-" {
			continue
		}
		out = append(out, configField{key: key, index: i, optional: strings.Contains(opts, "omitempty")})
	}
	return out
}

// requiredKeys are the keys a chip file without a base must give.
func requiredKeys() []string {
	var out []string
	for _, f := range configFields() {
		if !f.optional {
			out = append(out, f.key)
		}
	}
	return out
}

// ConfigKeys lists every key a chip YAML file (and Config.Set) accepts, in
// the order of the Config struct.
func ConfigKeys() []string {
	fs := configFields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.key
	}
	return out
}
