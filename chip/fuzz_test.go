package chip

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzLoadConfig: LoadConfig returns a valid Config or an error for any
// bytes, never panics, and a Config it accepts survives YAML and LoadConfig
// unchanged. Seeds: every preset (below) and the hand-made variants in
// testdata/fuzz/FuzzLoadConfig (truncated, garbled, huge and negative
// dimensions, a second document, anchors).
func FuzzLoadConfig(f *testing.F) {
	for _, name := range PresetNames() {
		b, err := PresetYAML(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := LoadConfig(bytes.NewReader(b))
		if err != nil {
			if c != (Config{}) {
				t.Fatalf("error %v came with a non-zero Config %+v", err, c)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("LoadConfig accepted a config that Validate rejects: %v", err)
		}
		y, err := c.YAML()
		if err != nil {
			t.Fatalf("accepted %+v but cannot encode it: %v", c, err)
		}
		back, err := LoadConfig(bytes.NewReader(y))
		if err != nil {
			t.Fatalf("cannot read back its own YAML: %v\n%s", err, y)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed\n%+v\ninto\n%+v", c, back)
		}
	})
}
