package ann

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"codeberg.org/sbinet/npyio/npz"
)

// Keys of the .npz layout written by SaveNPZ and read by LoadNPZ. numpy's
// np.load strips the ".npy" suffix, so in Python the arrays are "layers",
// "name", "fc1.weight", "fc1.bias", ...
const (
	keyLayers    = "layers.npy"  // 1-D unicode string array: layer names in forward order
	keyName      = "name.npy"    // 0-d unicode string: MLP.Name
	suffixWeight = ".weight.npy" // float32 (Out, In)
	suffixBias   = ".bias.npy"   // float32 (Out,)
)

// SaveNPZ writes m to path as a NumPy .npz archive: "<layer>.weight.npy" as
// float32 (Out, In), "<layer>.bias.npy" as float32 (Out,), "layers.npy" with
// the layer names in forward order and "name.npy" with m.Name. In Python:
//
//	z = np.load(path); [z[n + ".weight"] for n in z["layers"]]
func SaveNPZ(path string, m *MLP) error {
	if err := m.Validate(); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	if err := writeNPZ(f, m); err != nil {
		f.Close()
		return fmt.Errorf("ann: writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ann: %w", err)
	}
	return nil
}

func writeNPZ(f *os.File, m *MLP) error {
	w := npz.NewWriter(f)
	names := make([]string, len(m.Layers))
	for l, d := range m.Layers {
		names[l] = d.Name
	}
	if err := w.Write(keyLayers, names); err != nil {
		return err
	}
	if m.Name != "" {
		if err := w.Write(keyName, m.Name); err != nil {
			return err
		}
	}
	for _, d := range m.Layers {
		rows := make([][]float32, d.Out) // npyio takes the 2-D shape from a nested slice
		for o := range rows {
			rows[o] = d.W[o*d.In : (o+1)*d.In]
		}
		if err := w.Write(d.Name+suffixWeight, rows); err != nil {
			return err
		}
		if err := w.Write(d.Name+suffixBias, d.B); err != nil {
			return err
		}
	}
	return w.Close()
}

// LoadNPZFile opens path and reads it with LoadNPZ.
func LoadNPZFile(path string) (*MLP, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ann: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ann: %w", err)
	}
	m, err := LoadNPZ(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return m, nil
}

// LoadNPZ reads an MLP from a .npz archive of size bytes. Each layer needs
// "<name>.weight" of shape (Out, In); "<name>.bias" of shape (Out,) is
// optional (zeros when absent, as for PyTorch's Linear(bias=False)). Arrays
// may be float32 or float64 (converted to float32), C or Fortran order.
// Layer order comes from the "layers" string array when present, otherwise
// from the order of the weight arrays in the archive (numpy.savez keeps
// keyword order). Unknown arrays, missing weights, NaN/Inf values and shapes
// that do not chain are errors naming the array and its shape. The result
// passes Validate.
func LoadNPZ(r interface {
	ReadAt(p []byte, off int64) (int, error)
}, size int64) (*MLP, error) {
	z, err := npz.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("ann: reading npz: %w", err)
	}
	m, err := loadNPZ(z)
	if err != nil {
		return nil, fmt.Errorf("ann: npz: %w", err)
	}
	return m, nil
}

func loadNPZ(z *npz.Reader) (*MLP, error) {
	keys := z.Keys()
	var order []string // layer names in archive order of their weights
	hasKey := make(map[string]bool, len(keys))
	for _, k := range keys {
		hasKey[k] = true
	}
	for _, k := range keys {
		switch {
		case k == keyLayers || k == keyName:
		case strings.HasSuffix(k, suffixWeight):
			order = append(order, strings.TrimSuffix(k, suffixWeight))
		case strings.HasSuffix(k, suffixBias):
			if n := strings.TrimSuffix(k, suffixBias); !hasKey[n+suffixWeight] {
				return nil, fmt.Errorf("array %q has no matching %q", k, n+suffixWeight)
			}
		default:
			return nil, fmt.Errorf("array %q is not <layer>.weight, <layer>.bias, layers or name (archive holds %s)",
				k, strings.Join(keys, ", "))
		}
	}

	m := &MLP{}
	if hasKey[keyName] {
		v, err := readArray(z, keyName)
		if err != nil {
			return nil, err
		}
		s, ok := v.Data().(string)
		if !ok {
			return nil, fmt.Errorf("array %q has dtype %s, expected a unicode string", keyName, dtype(z, keyName))
		}
		m.Name = s
	}
	if hasKey[keyLayers] {
		v, err := readArray(z, keyLayers)
		if err != nil {
			return nil, err
		}
		names, ok := v.Data().([]string)
		if !ok {
			return nil, fmt.Errorf("array %q has dtype %s and shape %v, expected a 1-D string array", keyLayers, dtype(z, keyLayers), v.Shape())
		}
		for _, n := range names {
			if !hasKey[n+suffixWeight] {
				return nil, fmt.Errorf("array %q lists layer %q but %q is missing", keyLayers, n, n+suffixWeight)
			}
		}
		for _, n := range order {
			if !slices.Contains(names, n) {
				return nil, fmt.Errorf("array %q is not listed in %q %v", n+suffixWeight, keyLayers, names)
			}
		}
		order = names
	}
	if len(order) == 0 {
		return nil, errors.New("no <layer>.weight arrays found")
	}

	for _, name := range order {
		wk, bk := name+suffixWeight, name+suffixBias
		w, shape, err := readFloat32(z, wk)
		if err != nil {
			return nil, err
		}
		if len(shape) != 2 {
			return nil, fmt.Errorf("array %q has shape %v, expected 2-D (out, in)", wk, shape)
		}
		d := Dense{Name: name, Out: shape[0], In: shape[1], W: w}
		if hasKey[bk] {
			b, bshape, err := readFloat32(z, bk)
			if err != nil {
				return nil, err
			}
			if len(bshape) != 1 || bshape[0] != d.Out {
				return nil, fmt.Errorf("array %q has shape %v, expected (%d,) to match %q of shape %v", bk, bshape, d.Out, wk, shape)
			}
			d.B = b
		} else {
			d.B = make([]float32, d.Out)
		}
		if l := len(m.Layers); l > 0 && m.Layers[l-1].Out != d.In {
			p := m.Layers[l-1]
			return nil, fmt.Errorf("array %q has shape %v: its %d inputs do not match the %d outputs of %q (shape [%d %d])",
				wk, shape, d.In, p.Out, p.Name+suffixWeight, p.Out, p.In)
		}
		m.Layers = append(m.Layers, d)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func dtype(z *npz.Reader, key string) string {
	if h := z.Header(key); h != nil {
		return strings.Trim(h.Descr.Type, "'")
	}
	return "?"
}

func readArray(z *npz.Reader, key string) (*npy.Array, error) {
	var a npy.Array
	if err := z.Read(key, &a); err != nil {
		return nil, fmt.Errorf("array %q: %w", key, err)
	}
	return &a, nil
}

// readFloat32 reads a float32 or float64 array in C order as float32 and
// checks every value is finite.
func readFloat32(z *npz.Reader, key string) ([]float32, []int, error) {
	a, err := readArray(z, key)
	if err != nil {
		return nil, nil, err
	}
	shape := slices.Clone(a.Shape())
	var out []float32
	switch v := a.Data().(type) {
	case []float32:
		out = v
	case []float64:
		out = make([]float32, len(v))
		for i, x := range v {
			if math.Abs(x) > math.MaxFloat32 && !math.IsInf(x, 0) {
				return nil, nil, fmt.Errorf("array %q element %d = %g overflows float32", key, i, x)
			}
			out[i] = float32(x)
		}
	default:
		return nil, nil, fmt.Errorf("array %q has dtype %s and shape %v, expected float32 or float64", key, dtype(z, key), shape)
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n != len(out) {
		return nil, nil, fmt.Errorf("array %q has shape %v but %d elements", key, shape, len(out))
	}
	if a.Fortran() && len(shape) == 2 {
		out = transpose(out, shape[1], shape[0]) // column-major (r, c) is row-major (c, r)
	}
	if i := firstNonFinite(out); i >= 0 {
		return nil, nil, fmt.Errorf("array %q (shape %v) holds %v at flat index %d", key, shape, out[i], i)
	}
	return out, shape, nil
}

// transpose returns the row-major transpose of the rows x cols row-major x.
func transpose(x []float32, rows, cols int) []float32 {
	t := make([]float32, len(x))
	for r := range rows {
		for c := range cols {
			t[c*rows+r] = x[r*cols+c]
		}
	}
	return t
}
