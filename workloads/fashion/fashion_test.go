package fashion

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbedded(t *testing.T) {
	test, err := Test()
	if err != nil {
		t.Fatal(err)
	}
	calib, err := Calibration()
	if err != nil {
		t.Fatal(err)
	}
	if test.N != 10000 || calib.N != 2000 || test.Rows != 28 || test.Cols != 28 {
		t.Fatalf("test %d, calib %d, %dx%d", test.N, calib.N, test.Rows, test.Cols)
	}
	// The test set is balanced: 1,000 images per class (Xiao et al. 2017).
	var counts [len(Classes)]int
	for _, l := range test.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n != 1000 {
			t.Errorf("class %d (%s): %d test images, want 1000", c, Classes[c], n)
		}
	}
}

// TestTrainMatchesCalibration: the embedded calibration images are the
// first 2,000 of the training set (skipped where the Debian package is not
// installed).
func TestTrainMatchesCalibration(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the 60,000 training images (over 1 min under -race)")
	}
	if _, err := os.Stat(filepath.Join(DefaultTrainDir, "train-images-idx3-ubyte.gz")); err != nil {
		t.Skip("Fashion-MNIST training set not installed (apt-get install dataset-fashion-mnist)")
	}
	train, err := TrainFrom("")
	if err != nil {
		t.Fatal(err)
	}
	calib, err := Calibration()
	if err != nil {
		t.Fatal(err)
	}
	head := train.Slice(0, calib.N)
	if !bytes.Equal(head.Images, calib.Images) || !bytes.Equal(head.Labels, calib.Labels) {
		t.Error("embedded calibration set differs from the first 2,000 training images")
	}
}

func TestTrainMissing(t *testing.T) {
	_, err := TrainFrom(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Errorf("TrainFrom(empty dir) = %v", err)
	}
}
