package models

import (
	"slices"
	"strings"
	"testing"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func TestBuiltinMNISTMLP(t *testing.T) {
	m, err := Builtin("mnist-mlp")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var shapes [][2]int
	for _, d := range m.Layers {
		names = append(names, d.Name)
		shapes = append(shapes, [2]int{d.Out, d.In})
	}
	if !slices.Equal(names, []string{"fc1", "fc2", "fc3"}) ||
		!slices.Equal(shapes, [][2]int{{512, 784}, {512, 512}, {10, 512}}) || m.Name != "mnist-mlp" {
		t.Fatalf("mnist-mlp is %q with layers %v of (out, in) %v, want fc1..fc3 of 784-512-512-10", m.Name, names, shapes)
	}
	if _, err := Builtin("mnist-cnn"); err == nil || !strings.Contains(err.Error(), "not a ReLU MLP") {
		t.Errorf("Builtin(mnist-cnn) error = %v", err)
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
	want := []string{"mnist-mlp", "mnist-cnn", "mnist-mlp-qcfs", "mnist-cnn-qcfs"}
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
