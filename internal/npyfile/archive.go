package npyfile

import (
	"archive/zip"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Archive is an open .npz archive: a zip file of .npy entries, as
// numpy.savez and numpy.savez_compressed write it.
type Archive struct {
	name    string
	limit   int64
	entries map[string]*zip.File // key (entry name without ".npy") -> entry
	keys    []string
}

// OpenArchive opens the .npz archive held in r (size bytes); name is used
// in errors. Reading any entry whose uncompressed size exceeds
// maxEntryBytes fails before it is decompressed.
func OpenArchive(name string, r io.ReaderAt, size, maxEntryBytes int64) (*Archive, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npyfile: %s: not a .npz (zip) archive: %w", name, err)
	}
	a := &Archive{name: name, limit: maxEntryBytes, entries: map[string]*zip.File{}}
	for _, f := range z.File {
		key, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npyfile: %s: entry %s: not a .npy array (name does not end in .npy)", name, entryName(f.Name))
		}
		if _, dup := a.entries[key]; dup {
			return nil, fmt.Errorf("npyfile: %s: entry %s appears twice", name, entryName(f.Name))
		}
		a.entries[key] = f
		a.keys = append(a.keys, key)
	}
	slices.Sort(a.keys)
	return a, nil
}

// Keys lists the array names (entry names without ".npy"), sorted.
func (a *Archive) Keys() []string { return slices.Clone(a.keys) }

// Has reports whether the archive holds array key.
func (a *Archive) Has(key string) bool { _, ok := a.entries[key]; return ok }

// entry returns the zip entry of key after checking its declared size.
func (a *Archive) entry(key string) (*zip.File, error) {
	f, ok := a.entries[key]
	if !ok {
		return nil, fmt.Errorf("npyfile: %s: no array %q", a.name, key)
	}
	if f.UncompressedSize64 > uint64(a.limit) {
		return nil, a.errorf(f, fmt.Errorf("uncompressed size %d bytes, limit is %d", f.UncompressedSize64, a.limit))
	}
	return f, nil
}

func (a *Archive) errorf(f *zip.File, err error) error {
	return fmt.Errorf("npyfile: %s: entry %s: %w", a.name, entryName(f.Name), err)
}

// entryName quotes a zip entry name from the file for an error message,
// cut to 64 bytes: the name is the file's content, so it must not put
// control characters on a terminal or fill the line.
func entryName(n string) string {
	if len(n) > 64 {
		return fmt.Sprintf("%q… (%d bytes)", n[:64], len(n))
	}
	return fmt.Sprintf("%q", n)
}

// Header reads and validates the header of array key without reading its
// data, checking the data size against the entry's declared size.
func (a *Archive) Header(key string) (Header, error) {
	f, err := a.entry(key)
	if err != nil {
		return Header{}, err
	}
	rc, err := f.Open()
	if err != nil {
		return Header{}, a.errorf(f, err)
	}
	defer rc.Close()
	h, _, err := readHeader(rc, int64(f.UncompressedSize64))
	if err != nil {
		return Header{}, a.errorf(f, err)
	}
	return h, nil
}

// Read reads and decodes array key. The entry's declared size is checked
// against the archive's limit and the header before any data is read, and
// no more than the declared size (plus one byte, to detect a longer entry)
// is ever decompressed.
func (a *Archive) Read(key string) (*Array, error) {
	f, err := a.entry(key)
	if err != nil {
		return nil, err
	}
	rc, err := f.Open()
	if err != nil {
		return nil, a.errorf(f, err)
	}
	defer rc.Close()
	size := int64(f.UncompressedSize64)
	arr, err := readStream(io.LimitReader(rc, size+1), size)
	if err != nil {
		return nil, a.errorf(f, err)
	}
	return arr, nil
}
