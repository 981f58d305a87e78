//go:build !unix

package bench

// peakRSSBytes and cpuSeconds need getrusage, which this system lacks:
// the reports then show 0 for peak memory and CPU time.
func peakRSSBytes() uint64 { return 0 }

func cpuSeconds() float64 { return 0 }
