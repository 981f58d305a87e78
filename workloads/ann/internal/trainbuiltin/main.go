package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func main() {
	model := flag.String("model", "mnist-mlp", "built-in to train: mnist-mlp, mnist-cnn, mnist-mlp-qcfs or mnist-cnn-qcfs")
	out := flag.String("out", "", "output path (default workloads/models/<model>.npz for mnist-mlp, .yaml for the others)")
	epochs := flag.Int("epochs", 0, "epochs (0 = the model's default)")
	workers := flag.Int("workers", 0, "goroutines (0 = GOMAXPROCS; does not change the result)")
	seed := flag.Uint64("seed", 1, "random seed")
	limit := flag.Int("limit", 0, "train on only the first N images (0 = all 60000)")
	flag.Parse()
	var err error
	if *model == "mnist-mlp" {
		cfg := ann.DefaultTrainConfig()
		cfg.Workers, cfg.Seed = *workers, *seed
		if *epochs > 0 {
			cfg.Epochs = *epochs
		}
		if *out == "" {
			*out = filepath.Join("workloads", "models", "mnist-mlp.npz")
		}
		err = runMLP(cfg, *out, *limit)
	} else {
		err = runNet(*model, *out, *epochs, *workers, *seed, *limit)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "trainbuiltin:", err)
		os.Exit(1)
	}
}

func data(limit int) (train, test *mnist.Set, err error) {
	if train, err = mnist.Train(); err != nil {
		return nil, nil, err
	}
	if limit > 0 && limit < train.N {
		train = train.Slice(0, limit)
	}
	test, err = mnist.Test()
	return train, test, err
}

func runMLP(cfg ann.TrainConfig, out string, limit int) error {
	start := time.Now()
	train, test, err := data(limit)
	if err != nil {
		return err
	}
	fmt.Printf("config: %+v, training images: %d\n", cfg, train.N)
	m, err := ann.TrainMLP(train, cfg, func(epoch int, loss float64) {
		fmt.Printf("epoch %2d/%d  loss %.5f  elapsed %s\n", epoch, cfg.Epochs, loss, time.Since(start).Round(time.Second))
	})
	if err != nil {
		return err
	}
	acc := m.Accuracy(test, cfg.Workers)
	fmt.Printf("test accuracy %.4f (%d/%d), total time %s\n", acc, int(acc*float64(test.N)+0.5), test.N, time.Since(start).Round(time.Second))
	if err := ann.SaveNPZ(out, m); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return nil
}

// recipe is the architecture and training settings of one built-in Net.
type recipe struct {
	net *ann.Net
	cfg ann.NetTrainConfig
}

// qcfsLevels is the quantization levels L of the QCFS built-ins.
const qcfsLevels = 8

func recipes(name string) (recipe, error) {
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
	cfg := ann.DefaultNetTrainConfig()
	switch name {
	case "mnist-cnn":
		return recipe{cnn(false), cfg}, nil
	case "mnist-cnn-qcfs":
		return recipe{cnn(true), cfg}, nil
	case "mnist-mlp-qcfs":
		cfg.BatchSize = 128
		cfg.Epochs = 15
		return recipe{&ann.Net{Name: name, Input: ann.Shape{C: 784, H: 1, W: 1}, Layers: []ann.Layer{
			{Kind: ann.KindDense, Name: "fc1", Out: 512}, act(true),
			{Kind: ann.KindDense, Name: "fc2", Out: 512}, act(true),
			{Kind: ann.KindDense, Name: "fc3", Out: 10},
		}}, cfg}, nil
	}
	return recipe{}, fmt.Errorf("unknown model %q (expected mnist-mlp, mnist-cnn, mnist-mlp-qcfs or mnist-cnn-qcfs)", name)
}

func runNet(name, out string, epochs, workers int, seed uint64, limit int) error {
	start := time.Now()
	r, err := recipes(name)
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join("workloads", "models", name+".yaml")
	}
	r.cfg.Workers, r.cfg.Seed = workers, seed
	if epochs > 0 {
		r.cfg.Epochs = epochs
	}
	train, test, err := data(limit)
	if err != nil {
		return err
	}
	if err := ann.InitNet(r.net, seed); err != nil {
		return err
	}
	fmt.Printf("model %s: %s\nconfig: %+v, training images: %d\n", name, r.net.Summary(), r.cfg, train.N)
	err = ann.TrainNet(train, r.net, r.cfg, func(epoch int, loss float64) {
		fmt.Printf("epoch %2d/%d  loss %.5f  test accuracy %.4f  elapsed %s\n", epoch, r.cfg.Epochs, loss,
			r.net.Accuracy(test, workers), time.Since(start).Round(time.Second))
	})
	if err != nil {
		return err
	}
	for _, ly := range r.net.Layers {
		if ly.Kind == ann.KindQCFS {
			fmt.Printf("qcfs lambda %.5f\n", ly.Lambda)
		}
	}
	acc := r.net.Accuracy(test, workers)
	fmt.Printf("test accuracy %.4f (%d/%d), total time %s\n", acc, int(acc*float64(test.N)+0.5), test.N, time.Since(start).Round(time.Second))
	if err := ann.SaveModel(out, r.net); err != nil {
		return err
	}
	fmt.Println("wrote", out)
	return nil
}
