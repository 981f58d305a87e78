package mackeyglass

import "fmt"

// SMAPE is NeuroBench's symmetric mean absolute percentage error
// (neurobench/metrics, sMAPE):
//
//	200 · mean_i |p_i − y_i| / (|p_i| + |y_i|)
//
// in percent, from 0 (exact) to 200. Where p_i = y_i = 0 the term is 0/0;
// NeuroBench computes the mean in floating point and replaces a NaN mean
// by 200 (torch.nan_to_num(smape, nan=200.0)), so any such term makes the
// result 200, and so it does here. pred and target must have the same,
// non-zero length.
func SMAPE(pred, target []float64) (float64, error) {
	if len(pred) != len(target) || len(pred) == 0 {
		return 0, fmt.Errorf("mackeyglass: sMAPE of %d predictions against %d targets: want the same number, at least 1", len(pred), len(target))
	}
	sum := 0.0
	for i, p := range pred {
		y := target[i]
		d := abs(p) + abs(y)
		if d == 0 || p != p || y != y {
			return 200, nil // a NaN term: NeuroBench's nan_to_num(…, nan=200)
		}
		sum += abs(p-y) / d
	}
	return 200 * sum / float64(len(pred)), nil
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
