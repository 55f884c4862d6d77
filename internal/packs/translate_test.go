package packs

import (
	"strings"
	"testing"
)

// TestPackInALanguage: the pack in Arabic or Malay has its labels, lists, countries and
// messages in that language, and English is the pack itself.
func TestPackInALanguage(t *testing.T) {
	t.Parallel()
	ae, _ := Default().Latest("AE")
	if ae.In("en") != ae || ae.In("xx") != ae {
		t.Error("English, or a language the pack does not carry, must be the pack itself")
	}
	tests := []struct{ lang, label, option, country, required, yes string }{
		{"ar", "الاسم الأول", "ذكر", "ماليزيا", "مطلوب", "نعم"},
		{"ms", "Nama pertama", "Lelaki", "Emiriah Arab Bersatu", "wajib", "Ya"},
	}
	for _, tt := range tests {
		p := ae.In(tt.lang)
		f, _ := p.Field("first_name")
		gender, _ := p.Field("gender")
		nationality, _ := p.Field("nationality")
		pep, _ := p.Field("political_exposed_person")
		if f.Label != tt.label || p.Display(gender, "Male") != tt.option ||
			p.Display(nationality, map[string]string{"ar": "MY", "ms": "AE"}[tt.lang]) != tt.country {
			t.Errorf(
				"%s: label %q, option %q, country %q",
				tt.lang,
				f.Label,
				p.Display(gender, "Male"),
				p.Display(nationality, "MY"),
			)
		}
		if p.Display(pep, "yes") != tt.yes {
			t.Errorf("%s: yes = %q", tt.lang, p.Display(pep, "yes"))
		}
		problems := p.Check(map[string]string{}, today)
		if len(problems) == 0 || problems[0].Message != tt.required {
			t.Errorf("%s: first problem %+v, want %q", tt.lang, problems, tt.required)
		}
		if f, _ := p.Field("email_id"); !strings.Contains(p.Invalid(f, "nope", today), "name@example.com") ||
			p.Invalid(f, "nope", today) == ae.Invalid(f, "nope", today) {
			t.Errorf("%s: e-mail message %q", tt.lang, p.Invalid(f, "nope", today))
		}
	}
	if f, _ := ae.Field("first_name"); f.Label != "First name" {
		t.Errorf("the English pack changed: %q", f.Label)
	}
}
