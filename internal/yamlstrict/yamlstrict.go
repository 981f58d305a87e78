package yamlstrict

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrEmpty is returned for a file without a document (empty, or only
// comments); callers say what the document should have held.
var ErrEmpty = errors.New("the file holds no YAML document")

// Decode decodes the single YAML document in data into v, refusing unknown
// keys and any further document. Its errors hold line numbers, key names
// that look like keys, YAML tags and Go type names, never values.
func Decode(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return ErrEmpty
		}
		return Clean(err)
	}
	for {
		var extra yaml.Node
		err := dec.Decode(&extra)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return Clean(err)
		}
		if !emptyDoc(&extra) { // a bare "---" at the end holds nothing
			return fmt.Errorf("line %d: a second YAML document; the file must hold exactly one", extra.Line)
		}
	}
}

// Node returns the single YAML document in data as a node, for loaders
// that check keys themselves; errors are Decode's.
func Node(data []byte) (*yaml.Node, error) {
	var n yaml.Node
	if err := Decode(data, &n); err != nil {
		return nil, err
	}
	return &n, nil
}

// emptyDoc reports whether a decoded document holds nothing (yaml.v3
// gives a lone "---" a null scalar).
func emptyDoc(n *yaml.Node) bool {
	if len(n.Content) == 0 {
		return true
	}
	c := n.Content[0]
	return len(n.Content) == 1 && c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == ""
}

// Clean rewrites an error from yaml.v3 so that it holds no file content
// (see the package documentation). Other errors are returned unchanged.
func Clean(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs := make([]string, len(te.Errors))
		for i, m := range te.Errors {
			msgs[i] = cleanMessage(m)
		}
		return errors.New(strings.Join(msgs, "; "))
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "yaml: ") {
		return err
	}
	return errors.New(cleanMessage(strings.TrimPrefix(msg, "yaml: ")))
}

var (
	// yaml.v3 quotes values in backticks, keys and anchors in double or
	// single quotes.
	quoted = regexp.MustCompile("`[^`]*`|\"[^\"]*\"|'[^']*'")
	// "cannot unmarshal !!str `…` into chip.Config": the whole document
	// (or a value) has the wrong YAML type.
	wrongType = regexp.MustCompile("cannot unmarshal (!!\\w+)(?: `[^`]*`)? into (\\S+)")
	// "field xyz not found in type chip.Config": an unknown key.
	unknownField = regexp.MustCompile(`field (.*) not found in type (\S+)`)
	keyLike      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]{0,39}$`)
)

var tagText = map[string]string{
	"!!str": "a string", "!!int": "an integer", "!!float": "a number", "!!bool": "a boolean",
	"!!null": "null", "!!seq": "a list", "!!map": "a mapping", "!!binary": "binary data", "!!timestamp": "a timestamp",
}

func cleanMessage(m string) string {
	m = wrongType.ReplaceAllStringFunc(m, func(s string) string {
		sub := wrongType.FindStringSubmatch(s)
		what, ok := tagText[sub[1]]
		if !ok {
			what = "a value tagged " + sub[1]
		}
		return fmt.Sprintf("found %s where %s was expected", what, goType(sub[2]))
	})
	m = unknownField.ReplaceAllStringFunc(m, func(s string) string {
		sub := unknownField.FindStringSubmatch(s)
		if keyLike.MatchString(sub[1]) {
			return fmt.Sprintf("unknown key %s (in %s)", sub[1], goType(sub[2]))
		}
		return fmt.Sprintf("an unknown key (in %s)", goType(sub[2]))
	})
	return quoted.ReplaceAllStringFunc(m, func(s string) string {
		if keyLike.MatchString(s[1 : len(s)-1]) {
			return s
		}
		return "…"
	})
}

// Key quotes a key read from a file for an error message when it looks
// like a configuration key (letters, digits, '_', '.', '-', at most 40
// characters, not starting with a digit) and returns "…" otherwise, so that
// a typo is named but a line of another kind of file is not echoed.
func Key(k string) string {
	if keyLike.MatchString(k) {
		return `"` + k + `"`
	}
	return "…"
}

// goType turns a Go type in yaml.v3's messages into words a user reads:
// "chip.Config" stays (it names the section), basic types are spelled out.
func goType(t string) string {
	switch {
	case strings.HasPrefix(t, "int") || strings.HasPrefix(t, "uint"):
		return "an integer"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "string":
		return "a string"
	case t == "bool":
		return "a boolean"
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case strings.HasPrefix(t, "map["):
		return "a mapping"
	}
	return t
}
