package sanafe

import (
	"bytes"
)

// FileKind is what a file holds, as Detect tells from its content.
type FileKind uint8

// The kinds Detect tells apart.
const (
	NotSanaFE   FileKind = iota
	NetworkFile          // a SANA-FE network (top-level network: section)
	ArchFile             // a SANA-FE architecture (top-level architecture: section)
	ZipFile              // a zip archive (.npz): possibly the DVS challenge data, see IsDVSData
	NetlistFile          // a SANA-FE netlist (first entry a "g COUNT" group line)
)

// Detect tells a SANA-FE network, netlist or architecture file from other YAML
// (spikemesh's own model descriptions and chip files are YAML too) by
// its first top-level key, skipping comments, blank lines and a "---"
// document marker; head is the start of the file (a few KB suffice).
func Detect(head []byte) FileKind {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return ZipFile
	}
	for line := range bytes.Lines(head) {
		t := bytes.TrimRight(line, " \t\r\n")
		if len(t) == 0 || t[0] == '#' || string(t) == "---" {
			continue
		}
		if bytes.HasPrefix(t, []byte("g ")) || bytes.HasPrefix(t, []byte("g\t")) {
			return NetlistFile
		}
		if t[0] == ' ' || t[0] == '\t' {
			return NotSanaFE // indented before any key: not a mapping at the top
		}
		key, _, ok := bytes.Cut(t, []byte(":"))
		if !ok {
			return NotSanaFE
		}
		switch string(bytes.Trim(key, `"'`)) {
		case "network", "mappings":
			return NetworkFile
		case "architecture":
			return ArchFile
		}
		return NotSanaFE
	}
	return NotSanaFE
}
