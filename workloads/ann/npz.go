package ann

import (
	"strings"

	"codeberg.org/sbinet/npyio/npz"
)

// The MLP-only .npz layout (LoadNPZ/SaveNPZ) is gone; what is left is the
// one helper model.go's array reading still uses, which belongs with that
// code when it moves to the shared .npy/.npz helper.

// dtype returns the NumPy dtype string of array key in z, or "?", for
// error messages.
func dtype(z *npz.Reader, key string) string {
	if h := z.Header(key); h != nil {
		return strings.Trim(h.Descr.Type, "'")
	}
	return "?"
}
