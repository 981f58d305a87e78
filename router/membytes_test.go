package router

import (
	"math"
	"runtime"
	"testing"
)

// TestMeshBytesMatchesNew builds a mesh and compares the heap it took with
// MeshBytes: the estimate must cover the allocation and be within a factor
// of 1.5 of it (allocator rounding and the small per-Mesh fields).
func TestMeshBytesMatchesNew(t *testing.T) {
	c := DefaultConfig()
	c.Width, c.Height, c.LocalPorts, c.BufferDepth = 64, 64, 3, 4
	est := c.MeshBytes()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	got := int64(after.TotalAlloc - before.TotalAlloc)
	runtime.KeepAlive(m)
	if est < got*2/3 || est > got*3/2 {
		t.Errorf("MeshBytes = %d, New allocated %d", est, got)
	}
}

func TestMeshBytesSaturates(t *testing.T) {
	c := Config{Width: math.MaxInt32, Height: math.MaxInt32, LocalPorts: math.MaxInt32, BufferDepth: math.MaxInt32}
	if got := c.MeshBytes(); got != math.MaxInt64 {
		t.Errorf("MeshBytes of an absurd mesh = %d, want saturation at MaxInt64", got)
	}
}
