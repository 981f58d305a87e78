package models

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// TestRecipesMatchBuiltins: every recipe describes the architecture of the
// committed model it trains (same layers, names and settings), so what
// spikemesh train writes has the shape the built-in has.
func TestRecipesMatchBuiltins(t *testing.T) {
	for _, name := range Names() {
		r, err := RecipeFor(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.NetConfig.Validate(); err != nil {
			t.Errorf("%s: recipe config: %v", name, err)
		}
		n, err := Load(name)
		if err != nil {
			t.Fatal(err)
		}
		if r.Net.Name != name || len(r.Net.Layers) != len(n.Layers) || r.Net.Input != n.Input {
			t.Fatalf("%s: recipe %q %s, built-in %s", name, r.Net.Name, r.Net.Summary(), n.Summary())
		}
		for l, ly := range r.Net.Layers {
			got := n.Layers[l]
			if ly.Kind != got.Kind || ly.Name != got.Name || ly.Out != got.Out || ly.Kernel != got.Kernel ||
				ly.Stride != got.Stride || ly.Pad != got.Pad || ly.Levels != got.Levels {
				t.Errorf("%s layer %d: recipe %+v, built-in %s %q out %d k %d s %d p %d L %d", name, l, ly,
					got.Kind, got.Name, got.Out, got.Kernel, got.Stride, got.Pad, got.Levels)
			}
		}
		if r.Net.Layers[0].W != nil {
			t.Errorf("%s: recipe net already has weights", name)
		}
	}
	if _, err := RecipeFor("resnet"); err == nil || !strings.Contains(err.Error(), "no training recipe") {
		t.Errorf("RecipeFor(resnet) = %v", err)
	}
}

func TestResolveForeignFiles(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"net.pt", "net.pt is a PyTorch file; spikemesh reads a model description (.yaml) plus .npz weights: export a PyTorch module with tools/export_torch.py"},
		{"dir/net.PTH", "is a PyTorch file"},
		{"net.onnx", "is an ONNX file"},
		{"t.npz", "t.npz holds weights only; pass the model description (.yaml)"},
	} {
		_, err := Resolve(tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Resolve(%q) = %v, want one line containing %q", tc.path, err, tc.want)
		}
	}
}

// TestBuiltinAccuracy checks every built-in on the full MNIST test set.
func TestBuiltinAccuracy(t *testing.T) {
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		summary string
		min     float64
	}{
		{"mnist-mlp", "784 dense(512) relu dense(512) relu dense(10)", 0.98},
		{"mnist-cnn", "1x28x28 conv2d(16,k5) relu avgpool2d(k2) conv2d(32,k5) relu avgpool2d(k2) flatten dense(128) relu dense(10)", 0.99},
		{"mnist-mlp-qcfs", "784 dense(512) qcfs(L8) dense(512) qcfs(L8) dense(10)", 0.98},
		{"mnist-cnn-qcfs", "1x28x28 conv2d(16,k5) qcfs(L8) avgpool2d(k2) conv2d(32,k5) qcfs(L8) avgpool2d(k2) flatten dense(128) qcfs(L8) dense(10)", 0.985},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := Load(c.name)
			if err != nil {
				t.Fatal(err)
			}
			if n.Name != c.name || n.Summary() != c.summary {
				t.Errorf("%s is %q: %s\nwant %s", c.name, n.Name, n.Summary(), c.summary)
			}
			acc := n.Accuracy(test, 0)
			t.Logf("%s accuracy on the 10000 MNIST test images: %.4f", c.name, acc)
			if acc < c.min {
				t.Errorf("accuracy %.4f on the MNIST test set, want >= %.3f", acc, c.min)
			}
		})
	}
}

func TestCatalogue(t *testing.T) {
	want := []string{"mnist-mlp", "mnist-cnn", "mnist-mlp-qcfs", "mnist-cnn-qcfs", "fashion-cnn"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, n := range Names() {
		if d, err := Description(n); err != nil || d == "" {
			t.Errorf("Description(%q) = %q, %v", n, d, err)
		}
	}
	if _, err := Load("resnet"); err == nil || !strings.Contains(err.Error(), `models: unknown built-in model "resnet", expected one of mnist-mlp, mnist-cnn`) {
		t.Errorf("Load(resnet) error = %v", err)
	}
	if _, err := Description("resnet"); err == nil {
		t.Error("Description(resnet) succeeded")
	}
	if _, err := Resolve("resnet"); err == nil || !strings.Contains(err.Error(), "or a model description file") {
		t.Errorf("Resolve(resnet) error = %v", err)
	}
	n, err := Resolve("../ann/testdata/tiny.yaml")
	if err != nil || n.Name != "tiny" {
		t.Errorf("Resolve(path) = %v, %v", n, err)
	}
	var _ *ann.Net = n
}
