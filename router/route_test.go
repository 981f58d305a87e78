package router

import (
	"fmt"
	"testing"
)

func TestNextPort(t *testing.T) {
	tests := []struct {
		cx, cy, dx, dy int
		xy, yx         Port
	}{
		{0, 0, 0, 0, Local, Local},
		{0, 0, 3, 0, East, East},
		{3, 0, 0, 0, West, West},
		{1, 1, 1, 4, North, North},
		{1, 4, 1, 1, South, South},
		{0, 0, 2, 2, East, North},
		{2, 2, 0, 0, West, South},
		{0, 3, 5, 1, East, South},
		{5, 1, 0, 3, West, North},
	}
	for _, tc := range tests {
		if got := NextPort(XY, tc.cx, tc.cy, tc.dx, tc.dy); got != tc.xy {
			t.Errorf("NextPort(xy, (%d,%d) -> (%d,%d)) = %v, want %v", tc.cx, tc.cy, tc.dx, tc.dy, got, tc.xy)
		}
		if got := NextPort(YX, tc.cx, tc.cy, tc.dx, tc.dy); got != tc.yx {
			t.Errorf("NextPort(yx, (%d,%d) -> (%d,%d)) = %v, want %v", tc.cx, tc.cy, tc.dx, tc.dy, got, tc.yx)
		}
	}
}

// TestRoutesAreDimensionOrdered follows NextPort from every router to every
// other router of a 5x4 mesh: the walk must stay on the mesh, reach the
// destination in |dx|+|dy| hops, and finish the first dimension before
// starting the second.
func TestRoutesAreDimensionOrdered(t *testing.T) {
	const w, h = 5, 4
	for _, alg := range []Algorithm{XY, YX} {
		for s := range w * h {
			for d := range w * h {
				x, y := s%w, s/w
				dx, dy := d%w, d/w
				want := abs(dx-x) + abs(dy-y)
				var path string
				secondDim := false
				for hops := 0; ; hops++ {
					p := NextPort(alg, x, y, dx, dy)
					if p == Local {
						if x != dx || y != dy || hops != want {
							t.Fatalf("%v %d->%d: stopped at (%d,%d) after %d hops (%s), want (%d,%d) after %d", alg, s, d, x, y, hops, path, dx, dy, want)
						}
						break
					}
					if hops > want {
						t.Fatalf("%v %d->%d: path %s longer than %d", alg, s, d, path, want)
					}
					path += p.String()
					first := p.IsX() == (alg == XY)
					if first && secondDim {
						t.Fatalf("%v %d->%d: path %s returns to the first dimension", alg, s, d, path)
					}
					secondDim = secondDim || !first
					switch p {
					case North:
						y++
					case South:
						y--
					case East:
						x++
					case West:
						x--
					}
					if x < 0 || x >= w || y < 0 || y >= h {
						t.Fatalf("%v %d->%d: path %s leaves the mesh", alg, s, d, path)
					}
				}
			}
		}
	}
}

func TestPortNames(t *testing.T) {
	var got string
	for p := range LocalPort(3) {
		got += fmt.Sprintf("%v/%v ", p, map[bool]string{true: "x", false: "-"}[p.IsX()])
	}
	if want := "N/- E/x S/- W/x L0/- L1/- L2/- "; got != want {
		t.Errorf("ports = %q, want %q", got, want)
	}
	for _, tc := range []struct{ p, opp Port }{{North, South}, {East, West}, {South, North}, {West, East}} {
		if got := tc.p.Opposite(); got != tc.opp {
			t.Errorf("%v.Opposite() = %v, want %v", tc.p, got, tc.opp)
		}
	}
}
