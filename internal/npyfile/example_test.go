package npyfile_test

import (
	"bytes"
	"fmt"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// A round trip: Write lays the array out as numpy.save does, Decode
// validates the header before decoding the data.
func Example() {
	var b bytes.Buffer
	if err := npyfile.Write(&b, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}); err != nil {
		fmt.Println(err)
		return
	}
	a, err := npyfile.Decode("w.npy", b.Bytes())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.DType, a.Shape, a.Data)
	_, err = npyfile.Decode("w.npy", b.Bytes()[:b.Len()-1])
	fmt.Println(err)
	// Output:
	// <f4 [2 3] [1 2 3 4 5 6]
	// npyfile: w.npy: data: 23 bytes after the header, shape [2 3] of <f4 needs 24
}
