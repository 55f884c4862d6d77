package conventions

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// maxLine is the longest line a reader should have to take in, in characters (a tab is one).
const maxLine = 120

// budgets is how many of each finding the hand-written Go may hold. Lower a budget when
// lines are fixed; never raise one: new code meets the conventions.
var budgets = map[string]int{
	"a line over 120 characters":                   maxLongLines,
	"an assignment of three or more targets":       0,
	"two or more unnamed results of the same type": 1,
}

// maxLongLines is what is left of the long lines: SQL and messages in one literal, test
// tables of one case a row.
const maxLongLines = 216

// TestSourceConventions: lines read at a glance. No line of hand-written Go passes 120
// characters; no statement assigns three or more targets at once (a, b, c = x, y, z reads
// as a puzzle, one a line does not; a call that returns three values is not counted); a
// function whose results share a type names them.
func TestSourceConventions(t *testing.T) {
	t.Parallel()
	found := map[string][]string{}
	files := 0
	for _, dir := range []string{"../../cmd", "../../internal"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") {
				return nil
			}
			files++
			return check(path, found)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 100 {
		t.Fatalf("read %d Go files: not the source tree", files)
	}
	for kind, budget := range budgets {
		places := found[kind]
		switch {
		case len(places) > budget:
			t.Errorf("%d × %s, %d allowed:\n%s", len(places), kind, budget, strings.Join(places, "\n"))
		case len(places) < budget:
			t.Logf("%d × %s: lower its budget from %d", len(places), kind, budget)
		}
	}
}

// check adds what the file at path breaks to found, by kind; a generated file breaks nothing.
func check(path string, found map[string][]string) error {
	src, err := os.ReadFile(path) // #nosec G304 -- the test walks the repository's own source
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil || ast.IsGenerated(f) {
		return err
	}
	for i, line := range strings.Split(string(src), "\n") {
		if utf8.RuneCountInString(line) > maxLine {
			found["a line over 120 characters"] = append(found["a line over 120 characters"],
				path+":"+strconv.Itoa(i+1))
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		at := func(kind string) { found[kind] = append(found[kind], fset.Position(n.Pos()).String()) }
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) >= 3 && len(n.Rhs) == len(n.Lhs) {
				at("an assignment of three or more targets")
			}
		case *ast.ValueSpec:
			if len(n.Names) >= 3 && len(n.Values) == len(n.Names) {
				at("an assignment of three or more targets")
			}
		case *ast.FuncType:
			if sharedUnnamed(fset, n.Results) {
				at("two or more unnamed results of the same type")
			}
		}
		return true
	})
	return nil
}

// sharedUnnamed reports whether two unnamed results have the same type.
func sharedUnnamed(fset *token.FileSet, results *ast.FieldList) bool {
	if results == nil {
		return false
	}
	seen := map[string]bool{}
	for _, r := range results.List {
		if len(r.Names) > 0 {
			continue
		}
		var b bytes.Buffer
		if err := printer.Fprint(&b, fset, r.Type); err != nil {
			return false
		}
		if seen[b.String()] {
			return true
		}
		seen[b.String()] = true
	}
	return false
}
