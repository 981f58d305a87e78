package models

import (
	"slices"
	"strings"
	"testing"

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
	test, err := mnist.Test()
	if err != nil {
		t.Fatal(err)
	}
	acc := m.Accuracy(test, 0)
	t.Logf("mnist-mlp accuracy on the 10000 MNIST test images: %.4f", acc)
	if acc < 0.98 {
		t.Errorf("accuracy %.4f on the MNIST test set, want >= 0.98", acc)
	}
}

func TestCatalogue(t *testing.T) {
	if got := Names(); !slices.Equal(got, []string{"mnist-mlp"}) {
		t.Errorf("Names() = %v", got)
	}
	for _, n := range Names() {
		if d, err := Description(n); err != nil || d == "" {
			t.Errorf("Description(%q) = %q, %v", n, d, err)
		}
	}
	if _, err := Builtin("resnet"); err == nil || !strings.Contains(err.Error(), `models: unknown built-in model "resnet", expected one of mnist-mlp`) {
		t.Errorf("Builtin(resnet) error = %v", err)
	}
	if _, err := Description("resnet"); err == nil {
		t.Error("Description(resnet) succeeded")
	}
}
