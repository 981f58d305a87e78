//go:build unix

package bench

import "syscall"

// peakRSSBytes returns the process's peak resident set size, or 0 if the
// system does not report it. Linux reports ru_maxrss in KiB (macOS in
// bytes; the benchmarks are measured on Linux, docs/performance.md).
func peakRSSBytes() uint64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return uint64(ru.Maxrss) * 1024
}

// cpuSeconds returns the process's user + system CPU time, or 0 if the
// system does not report it.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}
