package energy

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// JSON writes m as one JSON object with the keys and values of its YAML
// form (Model.YAML), in the same order: costs as strings with their unit,
// sources as a nested object. Reports embed it to record the model they
// priced. (A map would lose the key order and json.Marshal of Model would
// use Go field names, hence this short walk over the YAML nodes.)
func (m Model) JSON() ([]byte, error) {
	y, err := m.YAML()
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(y, &doc); err != nil {
		return nil, fmt.Errorf("energy: model %q: %w", m.Name, err)
	}
	var b bytes.Buffer
	if err := jsonFromNode(&b, doc.Content[0]); err != nil {
		return nil, fmt.Errorf("energy: model %q: %w", m.Name, err)
	}
	return b.Bytes(), nil
}

func jsonFromNode(b *bytes.Buffer, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		var v any
		if err := n.Decode(&v); err != nil {
			return err
		}
		s, err := json.Marshal(v)
		b.Write(s)
		return err
	}
	b.WriteByte('{')
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(n.Content[i].Value)
		if err != nil {
			return err
		}
		b.Write(k)
		b.WriteByte(':')
		if err := jsonFromNode(b, n.Content[i+1]); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}
