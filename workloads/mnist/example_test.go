package mnist_test

import (
	"fmt"

	"github.com/spikemesh/spikemesh/workloads/mnist"
)

func ExampleTest() {
	test, err := mnist.Test()
	if err != nil {
		fmt.Println(err)
		return
	}
	x := test.Float(0, nil) // first test image, pixels in [0, 1]
	ink := 0
	for _, v := range x {
		if v > 0.5 {
			ink++
		}
	}
	fmt.Printf("%d images of %dx%d; image 0 is a %d with %d pixels above 0.5\n",
		test.N, test.Rows, test.Cols, test.Labels[0], ink)
	// Output:
	// 10000 images of 28x28; image 0 is a 7 with 71 pixels above 0.5
}
