package membudget

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Budget
		ok   bool
	}{
		{"8GiB", 8 << 30, true}, {"8g", 8 << 30, true}, {"512MB", 512e6, true}, {"1.5 GiB", 3 << 29, true},
		{"1000", 1000, true}, {"0", 0, true}, {"-1G", 0, false}, {"lots", 0, false}, {"", 0, false},
		{"GiB", 0, false}, {"1e30TB", 0, false}, {"NaN", 0, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestMemTotal(t *testing.T) {
	got, ok := memTotal([]byte("MemFree:   100 kB\nMemTotal:       16318520 kB\n"))
	if !ok || got != 16318520*1024 {
		t.Errorf("memTotal = %d, %v", got, ok)
	}
	if _, ok := memTotal([]byte("MemTotal: lots kB\n")); ok {
		t.Error("memTotal accepted a non-number")
	}
	if b, src := Default(); b <= 0 || src == "" {
		t.Errorf("Default() = %d, %q", b, src)
	}
}

func TestCheck(t *testing.T) {
	b := Budget(1 << 30)
	if err := b.Check("x", 1<<30, "fix"); err != nil {
		t.Errorf("at the budget: %v", err)
	}
	err := b.Check("the chip's mesh", 3<<30, "use a smaller mesh")
	want := "the chip's mesh needs about 3.0 GiB, more than the memory budget of 1.0 GiB (--max-memory); use a smaller mesh"
	if err == nil || err.Error() != want {
		t.Errorf("Check = %v, want %q", err, want)
	}
	if err := Budget(0).Check("x", 1<<62, "fix"); err != nil {
		t.Errorf("no budget: %v", err)
	}
	if !strings.Contains(Bytes(5<<40), "TiB") {
		t.Error(Bytes(5 << 40))
	}
}
