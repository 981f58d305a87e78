package explore

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/spikemesh/spikemesh/workloads/dataset"
	"github.com/spikemesh/spikemesh/workloads/models"
)

// SetDataset makes name the data set every point is evaluated on: "" (the
// set the workload was trained on, models.ImageSetOf), "mnist",
// "fashion-mnist", or a .npz file (see package workloads/dataset), whose
// SHA-256 becomes part of every point's key. The file's contents are
// checked when the sweep loads it. Call it after Base.Workload is set.
func (s *Space) SetDataset(name string) error {
	s.Base.Dataset, s.Base.DatasetSHA256 = "", ""
	switch {
	case name == "" || name == models.ImageSetOf(s.Base.Workload).String():
		return nil // the default; left empty so the keys stay as they were
	case models.IsGraph(s.Base.Workload):
		return fmt.Errorf("dataset %s: the built-in %s runs on the MNIST test set as rows; sweep another sequence data set as a NIR model (model and input)", name, s.Base.Workload)
	}
	switch name {
	case dataset.MNIST, dataset.FashionMNIST:
		s.Base.Dataset = name
		return nil
	}
	if _, err := dataset.Samples(name); err != nil {
		return err // already "dataset: FILE: ..."
	}
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, dataset.MaxFileBytes+1)); err != nil {
		return fmt.Errorf("dataset: %s: %w", name, err)
	}
	s.Base.Dataset, s.Base.DatasetSHA256 = name, hex.EncodeToString(h.Sum(nil))
	return nil
}
