package nir

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a NIR file. Node is the node's path
// ("lif1/lin" inside a nested graph; empty for file-level problems) and
// Field the dataset or property concerned ("tau", "edges", "shape").
// Msg never quotes the file's data, only names, sizes and positions.
type Problem struct {
	Node, Field, Msg string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Node != "" {
		fmt.Fprintf(&b, "node %q: ", p.Node)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, "field %q: ", p.Field)
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error is returned by Read when a file cannot be used. It lists every
// problem found, each on its own line prefixed by the file name.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = "nir: " + e.File + ": " + p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects Problems while a file is read and checked.
type problems struct{ list []Problem }

func (ps *problems) add(node, field, format string, args ...any) {
	ps.list = append(ps.list, Problem{Node: node, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) empty() bool { return len(ps.list) == 0 }
