package mackeyglass

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// maxWeightBytes bounds one array of a weights file: 64 MiB, far above the
// recipe's (N×N float64 = 80 kB) and below any harm.
const maxWeightBytes = 64 << 20

// weightArrays lists the arrays of a weights file: name and shape for a
// reservoir of n neurons, and where the values live in m.
func (m *Model) weightArrays(n int) []struct {
	name  string
	shape []int
	data  *[]float64
} {
	bOut, tBias := []float64{m.BOut}, []float64{m.TanhBias}
	return []struct {
		name  string
		shape []int
		data  *[]float64
	}{
		{"w_in", []int{n}, &m.WIn}, {"bias", []int{n}, &m.Bias}, {"w_rec", []int{n, n}, &m.WRec},
		{"w_out", []int{n}, &m.WOut}, {"b_out", []int{1}, &bOut},
		{"tanh_out", []int{n}, &m.TanhOut}, {"tanh_bias", []int{1}, &tBias},
	}
}

// Encode returns the model as an .npz archive of float64 arrays (w_in,
// bias, w_rec, w_out, b_out, tanh_out, tanh_bias). The same model gives
// the same bytes (no timestamps are stored).
func (m *Model) Encode() ([]byte, error) {
	n := len(m.WIn)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range m.weightArrays(n) {
		size := 1
		for _, d := range a.shape {
			size *= d
		}
		if len(*a.data) != size {
			return nil, fmt.Errorf("mackeyglass: %s has %d values, want %v", a.name, len(*a.data), a.shape)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.name + ".npy", Method: zip.Deflate})
		if err != nil {
			return nil, fmt.Errorf("mackeyglass: %w", err)
		}
		if err := npyfile.Write(w, a.shape, *a.data); err != nil {
			return nil, fmt.Errorf("mackeyglass: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("mackeyglass: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode reads a model written by Encode; name is for errors. Every array
// must be there as float64 with the shape of the recipe's Neurons and
// finite values.
func Decode(name string, b []byte) (*Model, error) {
	a, err := npyfile.OpenArchive(name, bytes.NewReader(b), int64(len(b)), maxWeightBytes)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	arrs := m.weightArrays(Neurons)
	for _, w := range arrs {
		if !a.Has(w.name) {
			return nil, fmt.Errorf("mackeyglass: %s: field %s: missing", name, w.name)
		}
		arr, err := a.Read(w.name)
		if err != nil {
			return nil, err
		}
		d, ok := arr.Data.([]float64)
		if !ok || fmt.Sprint(arr.Shape) != fmt.Sprint(w.shape) || arr.Fortran {
			return nil, fmt.Errorf("mackeyglass: %s: field %s: %T of shape %v, want float64 of shape %v (C order)", name, w.name, arr.Data, arr.Shape, w.shape)
		}
		for i, v := range d {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("mackeyglass: %s: field %s: element %d is %v, want a finite number", name, w.name, i, v)
			}
		}
		*w.data = d
	}
	m.BOut, m.TanhBias = (*arrs[4].data)[0], (*arrs[6].data)[0]
	return m, nil
}
