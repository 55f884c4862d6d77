package views

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unsafeTemplate is what no template may hold (docs/security.md, checklist row 27): templ.Raw,
// which prints unescaped; a js: value in hx-vals or hx-headers, which htmx evaluates; a
// filter in hx-trigger, which is script; and hx-on, which is script too.
var unsafeTemplate = regexp.MustCompile(`templ\.Raw|hx-(vals|headers)=[^>]*js:|hx-trigger="[^"]*\[|hx-on[:-]`)

// templates reads every .templ file below this folder, by path.
func templates(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".templ") {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = string(b)
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("read %d templates: %v", len(files), err)
	}
	return files
}

func TestTemplatesHoldNoUnescapedOrScriptedData(t *testing.T) {
	t.Parallel()
	for path, text := range templates(t) {
		for i, line := range strings.Split(text, "\n") {
			if unsafeTemplate.MatchString(line) {
				t.Errorf("%s:%d: %s", path, i+1, strings.TrimSpace(line))
			}
		}
	}
}

var form = regexp.MustCompile(`(?s)<form\b.*?</form>`)

// Every form that posts carries the CSRF token through the one component, CSRFField; none
// writes the hidden field by hand.
func TestPostingFormsCarryTheCSRFField(t *testing.T) {
	t.Parallel()
	forms := 0
	for path, text := range templates(t) {
		if path != "csrf.templ" && strings.Contains(text, `name="_csrf"`) {
			t.Errorf("%s writes the _csrf field by hand: use @views.CSRFField", path)
		}
		for _, f := range form.FindAllString(text, -1) {
			if !strings.Contains(f, `method="post"`) {
				continue
			}
			forms++
			if !strings.Contains(f, "CSRFField(") {
				t.Errorf("%s: a form that posts has no CSRFField:\n%s", path, f)
			}
		}
	}
	if forms == 0 {
		t.Fatal("found no form that posts")
	}
}
