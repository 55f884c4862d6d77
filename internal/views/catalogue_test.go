package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"kycportal/internal/audit"
	"kycportal/internal/i18n"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/worklist"
)

// sources are every template, the Go beside them and every handler: whatever a page shows
// comes from these, and all of it from the catalogues.
func sources(t *testing.T) []string {
	var out []string
	for _, pattern := range []string{"*.templ", "*/*.templ", "*.go", "pages/*.go", "../handlers/*.go"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if !strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(name, "_templ.go") {
				out = append(out, name)
			}
		}
	}
	return out
}

var (
	// A message id given to the catalogues: T, N, t, n, chromeT, a pack's Say, a refusal.
	messageCall  = regexp.MustCompile(`(?:\bT|\bN|\bt|\bn|chromeT|Say|refusal)\((?:ctx, |c, |http\.Status\w+, )?"([^"]+)"`)
	navLabel     = regexp.MustCompile(`Label: "([a-z_.]+)"`)
	idLiteral    = regexp.MustCompile(`"((?:viewer|search|login|notice)[._][a-z_]+)"`) // ids kept in variables and maps
	textAttr     = regexp.MustCompile(`\b(?:aria-label|alt|title|placeholder|label)="([^"]*)"`)
	goExpression = regexp.MustCompile(`\{[^{}]*\}`)
	tag          = regexp.MustCompile(`<[^>]*>`)
	controlLine  = regexp.MustCompile(`^\s*(?:if |\} else|for |switch |case |default:|@|\}|\{|//)`)
	call         = regexp.MustCompile(`@\w+(?:\.\w+)?\([^()]*\)`)
)

// completions are the values a message id prefix is completed with at run time.
func completions() map[string][]string {
	var reasons, groups, states []string
	for code := range submission.ReasonTypes {
		reasons = append(reasons, code)
	}
	for _, g := range audit.Groups {
		groups = append(groups, g.Name)
	}
	for _, s := range submission.States {
		states = append(states, string(s))
	}
	states = append(append(states, store.CaseStates...), store.DraftOpen, store.DraftDiscarded, store.DraftSubmitted)
	return map[string][]string{
		"role_":          {"agent", "supervisor", "admin", "system"},
		"state.":         states,
		"reason.code_":   reasons,
		"audit.group_":   groups,
		"audit.outcome_": {"success", "failure", "denied"},
		"work.outcome_":  worklist.Outcomes,
		"review.risk_":   {"high", "medium", "low"},
		"review.kind_":   {"id_expiry", "visa_expiry", "review"},
		"next.": {
			"awaiting_approval",
			"approved",
			"onboarded",
			"returned",
			"draft",
			"under_investigation",
			"rejected",
			"needs_attention",
		},
		"draft.": {"documents", "review"},
		"month.": {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
	}
}

// TestTemplatesAndHandlersShowOnlyCatalogueStrings fails on a word written into a template
// (text or a text attribute) instead of coming from the catalogues, and on a message id a
// template or handler uses that the English catalogue lacks, completed prefixes included
// (TestCataloguesHaveTheSameKeys in internal/i18n then holds the other catalogues to the
// English one). What Go builds at run time is TestEveryPageSpeaksTheChosenLanguage's
// (internal/handlers): it renders the pages in Arabic and Malay and reads them.
func TestTemplatesAndHandlersShowOnlyCatalogueStrings(t *testing.T) {
	en := i18n.Pick("en", "")
	var ids []string
	for prefix, values := range completions() {
		for _, v := range values {
			ids = append(ids, prefix+v)
		}
	}
	files := sources(t)
	for _, name := range files {
		b, err := os.ReadFile(filepath.FromSlash(name))
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		for _, re := range []*regexp.Regexp{messageCall, navLabel, idLiteral} {
			for _, m := range re.FindAllStringSubmatch(src, -1) {
				if !strings.HasSuffix(m[1], "_") && !strings.HasSuffix(m[1], ".") { // prefixes: completions
					ids = append(ids, m[1])
				}
			}
		}
		if strings.HasSuffix(name, ".templ") {
			for _, text := range literalText(src) {
				t.Errorf("%s shows %q: take it from the catalogues", name, text)
			}
		}
	}
	for _, id := range ids {
		if strings.HasPrefix(en.T(id), "⟦") && strings.HasPrefix(en.N(id, 2), "⟦") {
			t.Errorf("message %q is not in the English catalogue", id)
		}
	}
	if len(files) < 80 || len(ids) < 500 {
		t.Errorf("read %d files and %d message ids: is the extraction still reading the templates?", len(files), len(ids))
	}
}

// literalText is the text of the template bodies of src that is not an expression, a tag or
// templ's control flow, and the values of attributes people read; letters only count.
func literalText(src string) []string {
	var out, body []string
	inBody := false
	for _, line := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(line, "templ "):
			inBody = true
			continue
		case line == "}":
			inBody = false
		}
		if !inBody {
			continue
		}
		for _, m := range textAttr.FindAllStringSubmatch(line, -1) {
			if hasLetter(m[1]) {
				out = append(out, m[1])
			}
		}
		for prev := ""; prev != line; { // expressions, innermost first
			prev, line = line, goExpression.ReplaceAllString(line, "")
		}
		line = call.ReplaceAllString(line, "")
		if !controlLine.MatchString(line) {
			body = append(body, line)
		}
	}
	// Tags may span lines: take them out of the whole body at once.
	for _, text := range strings.Split(tag.ReplaceAllString(strings.Join(body, "\n"), ""), "\n") {
		if hasLetter(text) {
			out = append(out, strings.TrimSpace(text))
		}
	}
	return out
}

func hasLetter(s string) bool { return strings.ContainsFunc(s, unicode.IsLetter) }
