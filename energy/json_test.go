package energy

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestJSONMatchesYAML: Model.JSON has the keys of Model.YAML in the same
// order, with the same values, for every preset.
func TestJSONMatchesYAML(t *testing.T) {
	for _, name := range PresetNames() {
		m, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		js, err := m.JSON()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		y, err := m.YAML()
		if err != nil {
			t.Fatal(err)
		}
		var fromYAML, fromJSON map[string]any
		if err := yaml.Unmarshal(y, &fromYAML); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(js, &fromJSON); err != nil {
			t.Fatalf("%s: not JSON: %v", name, err)
		}
		a, _ := json.Marshal(fromYAML) // both sorted by key: compares values
		b, _ := json.Marshal(fromJSON)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: JSON values differ from YAML:\n%s\n%s", name, a, b)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(y, &doc); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		if _, err := dec.Token(); err != nil { // {
			t.Fatal(err)
		}
		for i := 0; i < len(doc.Content[0].Content); i += 2 {
			k, err := dec.Token()
			if err != nil {
				t.Fatal(err)
			}
			if want := doc.Content[0].Content[i].Value; k != want {
				t.Fatalf("%s: key %d is %v, YAML has %s", name, i/2, k, want)
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
	}
}
