package router

import (
	"unsafe"

	"github.com/spikemesh/spikemesh/internal/membudget"
)

// MeshBytes is the memory New allocates for c, in bytes, computed from the
// sizes of the mesh's own arrays (unsafe.Sizeof of their element types, so
// the estimate follows the structs as they change). Multicast tables and
// packets in flight come on top and grow with traffic, not with the mesh.
// Callers compare it with a memory budget before calling New; for a Config
// that fails Validate the result is meaningless but never overflows.
func (c Config) MeshBytes() int64 {
	nr := membudget.SatMul(int64(max(c.Width, 0)), int64(max(c.Height, 0)))
	np := int64(NumMeshPorts + max(c.LocalPorts, 0))
	nb := membudget.SatMul(nr, np)
	perRouter := int64(2*unsafe.Sizeof(int32(0)) + // xs, ys
		4*unsafe.Sizeof(uint64(0)) + // qmask, dueMask, rdue, occ
		unsafe.Sizeof(int32(0)) + // tableCount
		NumMeshPorts) // offchip flags (boards only; counted always)
	perBuffer := int64(unsafe.Sizeof(inBuf{}) + unsafe.Sizeof(outPort{}))
	b := membudget.SatMul(nr, perRouter)
	b = membudget.SatAdd(b, membudget.SatMul(membudget.SatMul(nr, int64(max(c.LocalPorts, 0))), int64(unsafe.Sizeof(injQueue{}))))
	b = membudget.SatAdd(b, membudget.SatMul(nb, perBuffer))
	b = membudget.SatAdd(b, membudget.SatMul(membudget.SatMul(nb, int64(max(c.BufferDepth, 0))), int64(unsafe.Sizeof(slot{}))))
	b = membudget.SatAdd(b, membudget.SatMul((nr+63)/64, 3*8)) // cur, next1, touched bitsets
	return b
}
