package chip

import (
	"encoding/binary"
	"unsafe"
)

// addRow adds a weight row into the accumulators: acc[j] += row[j]. It is
// the innermost loop of the simulator, unrolled by eight with bounds
// checks hoisted (about twice the speed of the plain loop).
func addRow(acc []int32, row []int8) {
	acc = acc[:len(row)]
	j := 0
	for ; j+8 <= len(row); j += 8 {
		r := row[j : j+8 : j+8]
		d := acc[j : j+8 : j+8]
		d[0] += int32(r[0])
		d[1] += int32(r[1])
		d[2] += int32(r[2])
		d[3] += int32(r[3])
		d[4] += int32(r[4])
		d[5] += int32(r[5])
		d[6] += int32(r[6])
		d[7] += int32(r[7])
	}
	for ; j < len(row); j++ {
		acc[j] += int32(row[j])
	}
}

// subRow subtracts a weight row (a negative spike): acc[j] -= row[j].
func subRow(acc []int32, row []int8) {
	acc = acc[:len(row)]
	j := 0
	for ; j+8 <= len(row); j += 8 {
		r := row[j : j+8 : j+8]
		d := acc[j : j+8 : j+8]
		d[0] -= int32(r[0])
		d[1] -= int32(r[1])
		d[2] -= int32(r[2])
		d[3] -= int32(r[3])
		d[4] -= int32(r[4])
		d[5] -= int32(r[5])
		d[6] -= int32(r[6])
		d[7] -= int32(r[7])
	}
	for ; j < len(row); j++ {
		acc[j] -= int32(row[j])
	}
}

// macRow adds a weight row times a graded magnitude: acc[j] += row[j]*mag.
func macRow(acc []int32, row []int8, mag int32) {
	acc = acc[:len(row)]
	for j, x := range row {
		acc[j] += int32(x) * mag
	}
}

// Dense rows are also added in SWAR form (SIMD within a register): eight
// 8-bit weights are loaded as one uint64, offset by 128 to make them
// unsigned (w+128 in [0, 255]) and spread into two uint64s of four 16-bit
// lanes each, which add in one instruction. Lanes are folded back into the
// int32 accumulators (minus 128 per added row) before they hold swarFlush
// rows (after 252 in practice), so a lane never exceeds 256*255 < 65536.
const (
	swarSign  = 0x8080808080808080 // xor: two's complement int8 -> w+128
	swarLanes = 0x00FF00FF00FF00FF // the even bytes, as 16-bit lanes
	swarFlush = 256
)

// addRowsSWAR adds, for every event a in ev, row a of w (rows of n
// weights) into acc: acc[j] += w[a*n+j]. lanes is scratch of at least
// n/8*2 entries, all zero; it is zero again on return. Events must be
// positive (no negSpike bit). The sum is the same as with addRow: integer
// addition in any order.
func addRowsSWAR(acc []int32, w []int8, n int, ev []uint32, lanes []uint64) {
	nc := n / 8
	lanes = lanes[:2*nc]
	acc = acc[:n]
	wb := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w))), len(w))
	rows := 0
	i := 0
	for ; i+4 <= len(ev); i += 4 {
		a, b, c, d := int(ev[i]), int(ev[i+1]), int(ev[i+2]), int(ev[i+3])
		ra, rb, rc, rd := wb[a*n:a*n+nc*8], wb[b*n:b*n+nc*8], wb[c*n:c*n+nc*8], wb[d*n:d*n+nc*8]
		for l := lanes; len(l) >= 2 && len(ra) >= 8 && len(rb) >= 8 && len(rc) >= 8 && len(rd) >= 8; l = l[2:] {
			xa := binary.LittleEndian.Uint64(ra) ^ swarSign
			xb := binary.LittleEndian.Uint64(rb) ^ swarSign
			xc := binary.LittleEndian.Uint64(rc) ^ swarSign
			xd := binary.LittleEndian.Uint64(rd) ^ swarSign
			l[0] += xa&swarLanes + xb&swarLanes + xc&swarLanes + xd&swarLanes
			l[1] += (xa>>8)&swarLanes + (xb>>8)&swarLanes + (xc>>8)&swarLanes + (xd>>8)&swarLanes
			ra, rb, rc, rd = ra[8:], rb[8:], rc[8:], rd[8:]
		}
		rows += 4
		// Flush before a lane could pass 255*swarFlush; this leaves
		// rows <= swarFlush-4 for the up to three single rows below.
		if rows+4 > swarFlush-4 {
			flushLanes(acc, lanes, rows)
			rows = 0
		}
	}
	for ; i < len(ev); i++ {
		ra := wb[int(ev[i])*n : int(ev[i])*n+nc*8]
		for l := lanes; len(l) >= 2 && len(ra) >= 8; l = l[2:] {
			xa := binary.LittleEndian.Uint64(ra) ^ swarSign
			l[0] += xa & swarLanes
			l[1] += (xa >> 8) & swarLanes
			ra = ra[8:]
		}
		rows++
	}
	if rows > 0 {
		flushLanes(acc, lanes, rows)
	}
	if t := nc * 8; t < n {
		for _, e := range ev {
			a := int(e)
			for j, x := range w[a*n+t : a*n+n] {
				acc[t+j] += int32(x)
			}
		}
	}
}

// flushLanes adds the lane sums of rows rows into acc and clears them.
func flushLanes(acc []int32, lanes []uint64, rows int) {
	bias := int32(128 * rows)
	for k := 0; k+2 <= len(lanes); k += 2 {
		e, o := lanes[k], lanes[k+1]
		lanes[k], lanes[k+1] = 0, 0
		d := acc[4*k : 4*k+8 : 4*k+8]
		d[0] += int32(e&0xffff) - bias
		d[1] += int32(o&0xffff) - bias
		d[2] += int32(e>>16&0xffff) - bias
		d[3] += int32(o>>16&0xffff) - bias
		d[4] += int32(e>>32&0xffff) - bias
		d[5] += int32(o>>32&0xffff) - bias
		d[6] += int32(e>>48) - bias
		d[7] += int32(o>>48) - bias
	}
}
