package sanafe

import (
	"fmt"
	"io"
	"slices"

	"github.com/spikemesh/spikemesh/internal/npyfile"
)

// DVSKeys are the arrays of SANA-FE's DVS-gesture challenge data
// (sanafe/examples/dvs_challenge.npz): four conv2d kernels in
// [kernel_height][kernel_width][c_in][c_out] order, one dense matrix
// [source][target], the input layer's biases and six thresholds.
var DVSKeys = []string{"conv1", "conv2", "conv3", "conv4", "dense1", "inputs", "thresholds"}

// DVSCoreCounts is how many cores tutorial_5_dvs spreads each of the six
// layers over (its layer_mapped_core_counts).
var DVSCoreCounts = []int{1, 4, 16, 16, 4, 1}

// maxDVSEntryBytes bounds one array of the challenge data (the largest,
// conv3, is 74 KB).
const maxDVSEntryBytes = 1 << 24

// IsDVSData reports whether keys (an .npz's array names) are exactly
// those of SANA-FE's DVS challenge data.
func IsDVSData(keys []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(keys)), DVSKeys)
}

// DVSTutorial builds the network SANA-FE's tutorial_5_dvs runs from its
// challenge data (an .npz held in r, size bytes; name for messages): a
// 32x32x1 input layer whose neurons are driven by the biases "inputs",
// four conv2d layers (the first with stride 2) and a dense layer of 11,
// each with its threshold from "thresholds" and SANA-FE's soma defaults
// (leak_decay 1, input_decay 0, hard reset to 0), mapped as the tutorial
// maps it: layer l spread evenly over DVSCoreCounts[l] consecutive cores
// (the last taking the remainder), cores numbered tile by tile with
// coresPerTile cores each.
func DVSTutorial(name string, r io.ReaderAt, size int64, coresPerTile int) (*Network, error) {
	a, err := npyfile.OpenArchive(name, r, size, maxDVSEntryBytes)
	if err != nil {
		return nil, fmt.Errorf("sanafe: %w", err)
	}
	if !IsDVSData(a.Keys()) {
		return nil, fmt.Errorf("sanafe: %s: arrays %v, want SANA-FE's DVS challenge data %v", name, a.Keys(), DVSKeys)
	}
	arr := map[string][]float64{}
	shape := map[string][]int{}
	for _, k := range DVSKeys {
		x, err := a.Read(k)
		if err != nil {
			return nil, fmt.Errorf("sanafe: %w", err)
		}
		var vals []float64
		switch d := x.Data.(type) {
		case []float32:
			for _, v := range d {
				vals = append(vals, float64(v))
			}
		case []float64:
			vals = d
		case []int64:
			for _, v := range d {
				vals = append(vals, float64(v))
			}
		default:
			return nil, fmt.Errorf("sanafe: %s: array %s: dtype %s, want float32, float64 or int64", name, k, x.DType)
		}
		if x.Fortran {
			return nil, fmt.Errorf("sanafe: %s: array %s: Fortran order is not supported", name, k)
		}
		arr[k], shape[k] = vals, x.Shape
	}
	th := arr["thresholds"]
	if len(th) != 6 {
		return nil, fmt.Errorf("sanafe: %s: thresholds has %d values, want 6 (one per layer)", name, len(th))
	}
	net := &Network{Name: "dvs_tutorial_5"}
	group := func(gname string, size int, threshold float64) {
		var at Attributes
		at.Threshold = threshold
		at.mark(FThreshold)
		net.Groups = append(net.Groups, Group{Name: gname, Size: size, Attr: at})
	}
	w, h, c := 32, 32, 1
	group("input_0", w*h*c, th[0])
	if len(arr["inputs"]) != w*h*c {
		return nil, fmt.Errorf("sanafe: %s: inputs has %d values, want %d (one bias per input neuron)", name, len(arr["inputs"]), w*h*c)
	}
	in := &net.Groups[0]
	for i, b := range arr["inputs"] {
		var at Attributes
		at.Bias = b
		at.mark(FBias)
		in.Neurons = append(in.Neurons, NeuronRange{Lo: i, Hi: i + 1, Attr: at})
	}
	prev := "input_0"
	for l, k := range []string{"conv1", "conv2", "conv3", "conv4"} {
		s := shape[k]
		if len(s) != 4 || s[2] != c {
			return nil, fmt.Errorf("sanafe: %s: %s has shape %v, want [3 3 %d N]", name, k, s, c)
		}
		stride := 1
		if l == 0 {
			stride = 2
		}
		// SANA-FE's Conv2D layer reads shape[0] as the kernel width and
		// shape[1] as its height, and the flat list in its own filter order.
		cv := Conv2D{InW: w, InH: h, InC: c, KW: s[0], KH: s[1], Count: s[3], StrideW: stride, StrideH: stride}
		w, h, c = (w-cv.KW)/stride+1, (h-cv.KH)/stride+1, s[3]
		gname := fmt.Sprintf("conv2d_%d", l)
		group(gname, w*h*c, th[l+1])
		net.Edges = append(net.Edges, Edge{Label: prev + " -> " + gname, From: prev, To: gname, Kind: EdgeConv2D, Conv: cv, Weights: arr[k]})
		prev = gname
	}
	if s := shape["dense1"]; len(s) != 2 || s[0] != w*h*c {
		return nil, fmt.Errorf("sanafe: %s: dense1 has shape %v, want [%d N]", name, s, w*h*c)
	}
	group("dense_0", shape["dense1"][1], th[5])
	net.Edges = append(net.Edges, Edge{Label: prev + " -> dense_0", From: prev, To: "dense_0", Kind: EdgeDense, Weights: arr["dense1"]})
	core := 0
	for gi, g := range net.Groups {
		k := DVSCoreCounts[gi]
		per := g.Size / k
		for i := 0; i < k; i++ {
			lo, hi := i*per, (i+1)*per
			if i == k-1 {
				hi = g.Size
			}
			net.Mappings = append(net.Mappings, Mapping{Group: g.Name, Lo: lo, Hi: hi, Tile: core / coresPerTile, Core: core % coresPerTile})
			core++
		}
	}
	return net, nil
}
