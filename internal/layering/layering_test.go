package layering

import (
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// tiers lists every package of the module (directory relative to the
// module root, "." for the root package) by tier, lowest first.
var tiers = [][]string{
	{"neuron", "router", "energy", "nir", "internal/npyfile", "internal/atomicfile", "internal/layering", "internal/inputfile", "internal/yamlstrict", "internal/membudget"},
	{"chip", "snnref"},
	{"workloads", "workloads/ann", "workloads/mnist", "workloads/mnist/internal/mkcalib", "workloads/fashion", "workloads/dataset", "workloads/models", "workloads/mackeyglass", "workloads/rsnn", "trace", "internal/provenance", "nirconv", "sanafe", "report"},
	{".", "graphrun"},
	{"explore", "bench"},
	{"cmd/spikemesh", "tools/torchcheck"},
}

// forbidden are imports the tiers alone would allow but the design does not.
var forbidden = map[[2]string]string{
	{"bench", "."}: "bench runs exported peer networks on chip directly, not through the root package's pipeline",
}

// TestImportsPointDown parses the imports of every non-test Go file in the
// module and fails for an import of a higher tier, a forbidden import, or
// a package without a tier.
func TestImportsPointDown(t *testing.T) {
	root := moduleRoot(t)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod := modfile.ModulePath(gomod)
	tierOf := map[string]int{}
	for ti, pkgs := range tiers {
		for _, p := range pkgs {
			tierOf[p] = ti
		}
	}
	imports := packageImports(t, root, mod)
	if len(imports) < len(tierOf)/2 {
		t.Fatalf("found only %d packages under %s; the walk is broken", len(imports), root)
	}
	for _, p := range slices.Sorted(maps.Keys(imports)) {
		tp, ok := tierOf[p]
		if !ok {
			t.Errorf("package %s has no tier: add it to tiers in internal/layering/layering_test.go", p)
			continue
		}
		for _, q := range imports[p] {
			tq, ok := tierOf[q]
			switch {
			case !ok:
				t.Errorf("%s imports %s, which has no tier", p, q)
			case tq > tp:
				t.Errorf("%s (tier %d) imports %s (tier %d): imports must point down (leaves → chip → workloads → root → explore/bench → cmd)", p, tp, q, tq)
			case forbidden[[2]string{p, q}] != "":
				t.Errorf("%s imports %s: %s", p, q, forbidden[[2]string{p, q}])
			}
		}
	}
}

// TestTiersListRealPackages: every package named in tiers exists, so the
// table cannot silently keep a package that was moved or renamed.
func TestTiersListRealPackages(t *testing.T) {
	root := moduleRoot(t)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	imports := packageImports(t, root, modfile.ModulePath(gomod))
	for _, pkgs := range tiers {
		for _, p := range pkgs {
			if _, ok := imports[p]; !ok {
				t.Errorf("tiers names %s, which has no non-test Go files", p)
			}
		}
	}
}

// packageImports maps each package directory (relative to root) with
// non-test Go files to the module packages those files import, sorted and
// without duplicates.
func packageImports(t *testing.T, root, mod string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// The go tool ignores testdata and directories starting with
			// "." or "_"; so does this walk.
			if p != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if _, ok := out[pkg]; !ok {
			out[pkg] = nil
		}
		for _, is := range f.Imports {
			ip, err := strconv.Unquote(is.Path.Value)
			if err != nil {
				return err
			}
			var dep string
			switch {
			case ip == mod:
				dep = "."
			case strings.HasPrefix(ip, mod+"/"):
				dep = path.Clean(strings.TrimPrefix(ip, mod+"/"))
			default:
				continue
			}
			out[pkg] = append(out[pkg], dep)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, deps := range out {
		slices.Sort(deps)
		out[p] = slices.Compact(deps)
	}
	return out
}

// moduleRoot is the nearest directory above the test's that holds go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
