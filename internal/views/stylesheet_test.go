package views

import (
	"os"
	"regexp"
	"testing"
)

// physical are the CSS properties that do not mirror in a right-to-left page.
var physical = regexp.MustCompile(
	`(?m)(?:margin|padding|border)-(?:left|right)\b|[\s;{](?:left|right)\s*:|text-align:\s*(?:left|right)|float:\s*(?:left|right)`,
)

// TestStylesheetIsWrittenInLogicalProperties: Arabic pages mirror only if the stylesheet says
// start and end, never left and right.
func TestStylesheetIsWrittenInLogicalProperties(t *testing.T) {
	css, err := os.ReadFile("../../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range physical.FindAllString(string(css), -1) {
		t.Errorf("app.css uses %q: write it with inline-start or inline-end", m)
	}
}
