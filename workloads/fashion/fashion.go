package fashion

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

// DefaultTrainDir is where Debian's dataset-fashion-mnist package
// (`apt-get install dataset-fashion-mnist`, version
// 0.0~git20200523.55506a9-1) installs the four original gzip idx files;
// `dpkg -L dataset-fashion-mnist` lists them.
const DefaultTrainDir = "/usr/share/datasets/fashion-mnist"

// Sizes of the original files (Xiao, Rasul and Vollgraf 2017, and the
// files themselves).
const (
	trainImages = 60000
	testImages  = 10000
	calibImages = 2000
	imageSide   = 28
)

// Classes are the ten class names of Fashion-MNIST in label order, as the
// data set's README defines them (label 0 = T-shirt/top ... 9 = Ankle boot).
var Classes = [10]string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// dataFS holds the test and calibration files. The pattern is a glob so the
// package builds before mkcalib has written the calibration files;
// Calibration then reports them missing.
//
//go:embed data/*.gz
var dataFS embed.FS

// Test returns the 10,000-image Fashion-MNIST test set, embedded in the
// binary. Each call parses the embedded files afresh.
func Test() (*mnist.Set, error) { return loadEmbedded("t10k", testImages) }

// Calibration returns the first 2,000 images of the Fashion-MNIST training
// set, embedded in the binary (data/README.md says how they were made).
func Calibration() (*mnist.Set, error) { return loadEmbedded("calib", calibImages) }

func loadEmbedded(prefix string, want int) (*mnist.Set, error) {
	img, err := dataFS.ReadFile("data/" + prefix + "-images-idx3-ubyte.gz")
	if err != nil {
		return nil, fmt.Errorf("fashion: embedded %s images: %w", prefix, err)
	}
	lab, err := dataFS.ReadFile("data/" + prefix + "-labels-idx1-ubyte.gz")
	if err != nil {
		return nil, fmt.Errorf("fashion: embedded %s labels: %w", prefix, err)
	}
	s, err := mnist.LoadIDX(bytes.NewReader(img), bytes.NewReader(lab))
	if err != nil {
		return nil, fmt.Errorf("fashion: embedded %s set: %w", prefix, err)
	}
	if s.N != want || s.Rows != imageSide || s.Cols != imageSide {
		return nil, fmt.Errorf("fashion: embedded %s set has %d images of %dx%d, expected %d of %dx%d", prefix, s.N, s.Rows, s.Cols, want, imageSide, imageSide)
	}
	return s, nil
}

// TrainFrom reads the 60,000-image training set from dir
// (train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, the names of
// the original release); dir "" means DefaultTrainDir. A missing folder
// gives an error saying how to install it.
func TrainFrom(dir string) (*mnist.Set, error) {
	if dir == "" {
		dir = DefaultTrainDir
	}
	images := filepath.Join(dir, "train-images-idx3-ubyte.gz")
	if _, err := os.Stat(images); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("fashion: Fashion-MNIST training data not found (no %s); install it with `apt-get install dataset-fashion-mnist` or pass the folder holding the original train-*-ubyte.gz files", images)
	}
	s, err := mnist.LoadFiles(images, filepath.Join(dir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	if s.N != trainImages || s.Rows != imageSide || s.Cols != imageSide {
		return nil, fmt.Errorf("fashion: training set in %s has %d images of %dx%d, expected %d of %dx%d",
			dir, s.N, s.Rows, s.Cols, trainImages, imageSide, imageSide)
	}
	return s, nil
}
