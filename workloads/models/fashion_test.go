package models

import (
	"testing"

	"github.com/spikemesh/spikemesh/workloads/fashion"
)

// TestFashionAccuracy checks fashion-cnn on the full Fashion-MNIST test
// set against the accuracy docs/training.md reports.
func TestFashionAccuracy(t *testing.T) {
	test, err := fashion.Test()
	if err != nil {
		t.Fatal(err)
	}
	n, err := Load("fashion-cnn")
	if err != nil {
		t.Fatal(err)
	}
	const summary = "1x28x28 conv2d(16,k5) relu avgpool2d(k2) conv2d(32,k5) relu avgpool2d(k2) flatten dense(128) relu dense(10)"
	if n.Summary() != summary {
		t.Errorf("fashion-cnn is %s, want %s", n.Summary(), summary)
	}
	if ImageSetOf("fashion-cnn") != FashionMNIST || ImageSetOf("mnist-cnn") != MNIST || ImageSetOf("my.yaml") != MNIST {
		t.Error("ImageSetOf does not follow the recipes")
	}
	acc := n.Accuracy(test, 0)
	t.Logf("fashion-cnn accuracy on the 10000 Fashion-MNIST test images: %.4f", acc)
	if acc < minFashionAccuracy {
		t.Errorf("accuracy %.4f on the Fashion-MNIST test set, want >= %.3f", acc, minFashionAccuracy)
	}
}

// minFashionAccuracy is fashion-cnn's committed test accuracy, 90.62 %
// (docs/training.md), rounded down.
const minFashionAccuracy = 0.906
