package models

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/workloads/ann"
)

// Recipe is how a built-in model was trained: an untrained architecture,
// initialised with ann.InitNet(Net, NetConfig.Seed) and trained with
// ann.TrainNet. `spikemesh train --model NAME` follows it.
type Recipe struct {
	Name      string
	Net       *ann.Net // untrained: no weights yet
	NetConfig ann.NetTrainConfig
	Data      ImageSet // the image set it is trained and tested on
}

// ImageSet names a built-in image set a recipe trains on.
type ImageSet int

const (
	// MNIST is LeCun's handwritten digits (package workloads/mnist).
	MNIST ImageSet = iota
	// FashionMNIST is Zalando's clothing images (package workloads/fashion).
	FashionMNIST
)

// ImageSetOf returns the image set a built-in model was trained on, and
// MNIST for any other name (a model description file): the data set run,
// explore and export use when none is given.
func ImageSetOf(name string) ImageSet {
	if r, err := RecipeFor(name); err == nil {
		return r.Data
	}
	return MNIST
}

// String returns the name `--dataset` takes for the set.
func (s ImageSet) String() string {
	switch s {
	case MNIST:
		return "mnist"
	case FashionMNIST:
		return "fashion-mnist"
	}
	return fmt.Sprintf("ImageSet(%d)", int(s))
}

// qcfsLevels is the quantization levels L of the QCFS built-ins.
const qcfsLevels = 8

// RecipeFor returns the training recipe of a built-in model.
func RecipeFor(name string) (Recipe, error) {
	act := func(qcfs bool) ann.Layer {
		if qcfs {
			return ann.Layer{Kind: ann.KindQCFS, Levels: qcfsLevels, Lambda: 1}
		}
		return ann.Layer{Kind: ann.KindReLU}
	}
	cnn := func(qcfs bool) *ann.Net {
		return &ann.Net{Name: name, Input: ann.Shape{C: 1, H: 28, W: 28}, Layers: []ann.Layer{
			{Kind: ann.KindConv2D, Name: "conv1", Out: 16, Kernel: 5, Stride: 1, Groups: 1}, act(qcfs),
			{Kind: ann.KindAvgPool2D, Name: "pool1", Kernel: 2, Stride: 2},
			{Kind: ann.KindConv2D, Name: "conv2", Out: 32, Kernel: 5, Stride: 1, Groups: 1}, act(qcfs),
			{Kind: ann.KindAvgPool2D, Name: "pool2", Kernel: 2, Stride: 2},
			{Kind: ann.KindFlatten},
			{Kind: ann.KindDense, Name: "fc1", Out: 128}, act(qcfs),
			{Kind: ann.KindDense, Name: "fc2", Out: 10},
		}}
	}
	mlp := func(qcfs bool) *ann.Net {
		return &ann.Net{Name: name, Input: ann.Shape{C: 784, H: 1, W: 1}, Layers: []ann.Layer{
			{Kind: ann.KindDense, Name: "fc1", Out: 512}, act(qcfs),
			{Kind: ann.KindDense, Name: "fc2", Out: 512}, act(qcfs),
			{Kind: ann.KindDense, Name: "fc3", Out: 10},
		}}
	}
	cfg := ann.DefaultNetTrainConfig()
	switch name {
	case "mnist-mlp", "mnist-mlp-qcfs":
		// The MLPs take larger batches and more epochs than the CNNs.
		cfg.BatchSize = 128
		cfg.Epochs = 15
		return Recipe{Name: name, Net: mlp(name == "mnist-mlp-qcfs"), NetConfig: cfg}, nil
	case "mnist-cnn":
		return Recipe{Name: name, Net: cnn(false), NetConfig: cfg}, nil
	case "mnist-cnn-qcfs":
		return Recipe{Name: name, Net: cnn(true), NetConfig: cfg}, nil
	case "fashion-cnn":
		// mnist-cnn's architecture and settings, on Fashion-MNIST.
		return Recipe{Name: name, Net: cnn(false), NetConfig: cfg, Data: FashionMNIST}, nil
	}
	return Recipe{}, fmt.Errorf("models: no training recipe for %q (available: %s)", name, strings.Join(Names(), ", "))
}
