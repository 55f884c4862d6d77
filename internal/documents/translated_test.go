package documents

import (
	"testing"

	"kycportal/internal/i18n"
)

// TestRefusalsReadInEveryLanguage: the refusals written with the limits in them are found
// in the catalogues' [svc] table, so an agent reads them in Arabic and Malay too (a unit
// the table spells differently leaves the English behind).
func TestRefusalsReadInEveryLanguage(t *testing.T) {
	t.Parallel()
	refusals := []string{
		ErrTooLarge.Message,
		errNoPDFChecker.Message,
		reject(
			"The file is %.1f MB; the CDP accepts at most %d MB per document. Scan the report again at a lower resolution, or "+
				"print it to a smaller PDF.",
			6.2,
			5,
		).Error(),
	}
	for _, code := range []string{"ar", "ms"} {
		for _, english := range refusals {
			if got := i18n.Pick(code, "").Say(english); got == english {
				t.Errorf("%s: %q is not translated", code, english)
			}
		}
	}
}
