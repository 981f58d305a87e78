package ann

import (
	"bytes"
	"os"
	"testing"
)

// FuzzModel feeds a model description and a weights archive to
// ParseModelFile and BuildNet, the two halves of LoadModel after the
// files are read. They must return a Net or an error, never panic, and a
// Net they return must pass Validate. Seeds: the tiny test models in
// float32, float16 and float64, with truncated archives, and the variants
// in testdata/fuzz/FuzzModel.
func FuzzModel(f *testing.F) {
	for _, name := range []string{"tiny", "tiny-f16", "tiny-f64"} {
		desc, err := os.ReadFile("testdata/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		npz, err := os.ReadFile("testdata/" + name + ".npz")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(desc, npz)
		f.Add(desc, npz[:len(npz)/2])
		f.Add(desc[:len(desc)/2], npz)
	}
	f.Fuzz(func(t *testing.T, desc, npz []byte) {
		mf, err := ParseModelFile(desc)
		if err != nil {
			return
		}
		n, err := BuildNet(mf, bytes.NewReader(npz), int64(len(npz)))
		if (n == nil) == (err == nil) {
			t.Fatalf("BuildNet returned net %v and error %v", n != nil, err)
		}
		if n != nil {
			if err := n.Validate(); err != nil {
				t.Fatalf("BuildNet returned a net that Validate rejects: %v", err)
			}
		}
	})
}
