// Package npyfile reads and writes NumPy .npy arrays and .npz archives for
// the whole module: the peer benchmark's exported networks (bench), model
// weights (workloads/ann) and run traces (package trace).
//
// Reading is total: every header is validated here before the npyio
// library (codeberg.org/sbinet/npyio) decodes the data, so malformed,
// truncated or hostile input gives an error, never a panic or a large
// allocation. The checks are:
//
//   - the magic string "\x93NUMPY" and format version 1.0, 2.0 or 3.0;
//   - a header dictionary of at most MaxHeaderBytes bytes ending in '\n',
//     holding exactly the keys 'descr', 'fortran_order' and 'shape' in any
//     order;
//   - a little-endian dtype from the whitelist of DType;
//   - non-negative dimensions whose element count times the item size
//     equals the bytes that follow the header exactly (no short data, no
//     stray bytes);
//   - for a file, its size against the caller's limit before it is read;
//     for an archive entry, its declared uncompressed size against the
//     caller's limit, and the bytes actually read through an
//     io.LimitReader.
//
// The array is allocated only after the size its header declares has been
// found equal to the bytes that follow (the file's size, or the entry's
// declared size, itself within the caller's limit); data then streams into
// it and must end exactly there. Errors name the file, the archive entry
// and the header field at fault; they never echo file contents.
//
// There is no recover: npyio panics only on dtypes outside the whitelist
// (object, structured, unknown kinds), which never reach it, and FuzzRead
// checks that nothing else does.
//
// Writing produces version 1.0 little-endian C-order files laid out as
// numpy.save lays them out (header padded to a multiple of 64 bytes).
package npyfile
