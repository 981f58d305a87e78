package ann

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/spikemesh/spikemesh/internal/atomicfile"
	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// SaveModel writes n as a model description at path (YAML) and its arrays
// as float32 in a .npz next to it, named like path with the extension
// replaced by ".npz". Dense and conv2d layers store "<name>.weight" and
// "<name>.bias" in PyTorch's shapes; qcfs λ and levels go in the YAML.
// LoadModel reads the pair back to an identical Net.
func SaveModel(path string, n *Net) error {
	if err := n.Validate(); err != nil {
		return err
	}
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".npz"
	mf, arrs := describe(n, base)
	desc, err := marshalModelFile(mf)
	if err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range arrs {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.name + ".npy", Method: zip.Deflate})
		if err != nil {
			return fmt.Errorf("ann: %w", err)
		}
		if err := npyfile.Write(w, a.shape, a.data); err != nil {
			return fmt.Errorf("ann: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	// Weights first, then the description that names them, each atomically:
	// an interrupted save never leaves a description without its weights.
	if err := atomicfile.WriteFile(filepath.Join(filepath.Dir(path), base), buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	if err := atomicfile.WriteFile(path, desc, 0o644); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	return nil
}

// marshalModelFile writes the description with one flow-style line per
// layer, as in docs/import.md.
func marshalModelFile(mf *ModelFile) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Model description for ann.LoadModel (docs/import.md), written by ann.SaveModel.\n")
	flow := func(v any) (string, error) {
		var node yaml.Node
		if err := node.Encode(v); err != nil {
			return "", err
		}
		node.Style = yaml.FlowStyle
		out, err := yaml.Marshal(&node)
		return strings.TrimSpace(string(out)), err
	}
	name, err := flow(mf.Name)
	if err != nil {
		return nil, err
	}
	in, err := flow(mf.Input)
	if err != nil {
		return nil, err
	}
	w, err := flow(mf.Weights)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "name: %s\ninput: %s\nweights: %s\nlayers:\n", name, in, w)
	for _, ls := range mf.Layers {
		line, err := flow(ls)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "  - %s\n", line)
	}
	return b.Bytes(), nil
}

type namedArray struct {
	name  string
	shape []int
	data  []float32
}

// describe returns the ModelFile of n and the arrays to store.
func describe(n *Net, weights string) (*ModelFile, []namedArray) {
	mf := &ModelFile{Name: n.Name, Weights: weights}
	if n.Input.Flat() {
		mf.Input = []int{n.Input.C}
	} else {
		mf.Input = []int{n.Input.C, n.Input.H, n.Input.W}
	}
	var arrs []namedArray
	in := n.Input
	for _, ly := range n.Layers {
		ls := LayerSpec{Type: ly.Kind.String(), Name: ly.Name}
		switch ly.Kind {
		case KindDense:
			ls.OutFeatures = ly.Out
			arrs = append(arrs, namedArray{ly.Name + ".weight", []int{ly.Out, in.Size()}, ly.W})
		case KindConv2D:
			ls.OutChannels, ls.Kernel, ls.Stride, ls.Padding, ls.Groups = ly.Out, ly.Kernel, ly.Stride, ly.Pad, ly.Groups
			arrs = append(arrs, namedArray{ly.Name + ".weight", []int{ly.Out, in.C / ly.Groups, ly.Kernel, ly.Kernel}, ly.W})
		case KindAvgPool2D, KindMaxPool2D:
			ls.Kernel, ls.Stride, ls.Padding = ly.Kernel, ly.Stride, ly.Pad
		case KindQCFS:
			ls.Levels, ls.Lambda = ly.Levels, float64(ly.Lambda)
		case KindAdd:
			ls.From = ly.From
		}
		if ly.Kind.Weighted() && ly.B != nil {
			arrs = append(arrs, namedArray{ly.Name + ".bias", []int{ly.Out}, ly.B})
		}
		mf.Layers = append(mf.Layers, ls)
		out, _ := ly.outShape(in, func(string) (Shape, bool) { return in, true })
		in = out
	}
	return mf, arrs
}
