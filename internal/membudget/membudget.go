package membudget

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Budget is a number of bytes a command may allocate for the structures it
// checks; 0 means no limit.
type Budget int64

// DefaultFraction of MemTotal is the default budget (see the package
// documentation), and FallbackBytes the default where MemTotal is unknown:
// 4 GiB, what a laptop or a small CI runner can spare, and over ten times
// the peak of the documented runs (spikemesh run on the loihi preset peaked
// at 289 MB resident for mnist-mlp and 271 MB for mnist-cnn, measured with
// /usr/bin/time; docs/reliability.md).
const (
	DefaultFraction = 0.5
	FallbackBytes   = 4 << 30
)

// Default returns the default budget and where it came from, for --help.
func Default() (Budget, string) {
	data, err := os.ReadFile("/proc/meminfo") // a small procfs file: no size bound needed
	if err == nil {
		if total, ok := memTotal(data); ok {
			return Budget(float64(total) * DefaultFraction), fmt.Sprintf("%.0f %% of MemTotal", 100*DefaultFraction)
		}
	}
	return FallbackBytes, "MemTotal unknown"
}

// memTotal reads the "MemTotal: N kB" line of /proc/meminfo.
func memTotal(data []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "MemTotal:" && f[2] == "kB" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

var units = []struct {
	suffix string
	mul    int64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40},
	{"B", 1},
}

// Parse reads a size such as "8GiB", "512MB", "2G" (binary, as in sort -S
// and GNU tools) or a number of bytes; "0" means no limit.
func Parse(s string) (Budget, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mul := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mul = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mul
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || math.IsNaN(v) || v < 0 {
		return 0, fmt.Errorf("%q is not a size; use e.g. 8GiB, 512MB or a number of bytes", s)
	}
	if b := v * float64(mul); b < math.MaxInt64 {
		return Budget(b), nil
	}
	return 0, fmt.Errorf("%q is larger than %d bytes", s, int64(math.MaxInt64))
}

// String renders the budget in binary units, e.g. "7.8 GiB".
func (b Budget) String() string {
	if b == 0 {
		return "unlimited"
	}
	return Bytes(int64(b))
}

// Bytes renders a byte count in binary units.
func Bytes(n int64) string {
	switch {
	case n >= 1<<40:
		return fmt.Sprintf("%.1f TiB", float64(n)/(1<<40))
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Check refuses a request of need bytes over the budget. what says what was
// asked for ("the chip's mesh, 2 replicas"), fix what to change.
func (b Budget) Check(what string, need int64, fix string) error {
	if b == 0 || need <= int64(b) {
		return nil
	}
	return fmt.Errorf("%s needs about %s, more than the memory budget of %s (--max-memory); %s", what, Bytes(need), b, fix)
}

// SatMul and SatAdd multiply and add non-negative sizes, saturating at the
// largest int64 instead of wrapping, so that an absurd configuration gives
// an absurd but positive size that any budget refuses.
func SatMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > (1<<63-1)/b {
		return 1<<63 - 1
	}
	return a * b
}

// SatAdd: see SatMul.
func SatAdd(a, b int64) int64 {
	if a > (1<<63-1)-b {
		return 1<<63 - 1
	}
	return a + b
}
