package config

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMEListsEveryVariable holds the README's variable tables (rows whose first cell
// names a variable) and the reader together: every variable read is listed, and every
// variable listed is read.
func TestREADMEListsEveryVariable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{} // variable (or prefix*) → its row
	name := regexp.MustCompile("`([A-Z][A-Z0-9_]*\\*?)`")
	for _, line := range strings.Split(string(readme), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.HasPrefix(line, "| `") {
			continue
		}
		for _, m := range name.FindAllStringSubmatch(cells[1], -1) {
			rows[m[1]] = line
		}
	}
	read := Variables()
	for _, v := range read {
		if !listed(rows, v) {
			t.Errorf("%s is read but not in the README's variable tables", v)
		}
	}
	for v := range rows {
		if !strings.HasSuffix(v, "*") && !slices.Contains(read, v) {
			t.Errorf("the README lists %s, which nothing reads", v)
		}
	}
}

// listed says whether the README documents v: by name, as NAME_FILE beside NAME's
// "_FILE" mention, or under a PREFIX_* row.
func listed(rows map[string]string, v string) bool {
	if _, ok := rows[v]; ok {
		return true
	}
	if base, ok := strings.CutSuffix(v, "_FILE"); ok && strings.Contains(rows[base], "_FILE") {
		return true
	}
	for k := range rows {
		if prefix, ok := strings.CutSuffix(k, "*"); ok && strings.HasPrefix(v, prefix) {
			return true
		}
	}
	return false
}
