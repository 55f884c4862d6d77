package views

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unsafeTemplate is what no template may hold (checklist row 27): templ.Raw, which prints
// unescaped; a js: value in hx-vals or hx-headers, which htmx evaluates; a filter in
// hx-trigger, which is script; and hx-on, which is script too.
var unsafeTemplate = regexp.MustCompile(`templ\.Raw|hx-(vals|headers)=[^>]*js:|hx-trigger="[^"]*\[|hx-on[:-]`)

func TestTemplatesHoldNoUnescapedOrScriptedData(t *testing.T) {
	t.Parallel()
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			if unsafeTemplate.MatchString(line) {
				t.Errorf("%s:%d: %s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil || checked == 0 {
		t.Fatalf("walked %d templates: %v", checked, err)
	}
}
