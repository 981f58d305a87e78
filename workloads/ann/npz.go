package ann

import (
	"strings"

	"codeberg.org/sbinet/npyio/npz"
)

// dtype returns the NumPy dtype string of array key in z, or "?", for
// error messages.
func dtype(z *npz.Reader, key string) string {
	if h := z.Header(key); h != nil {
		return strings.Trim(h.Descr.Type, "'")
	}
	return "?"
}
