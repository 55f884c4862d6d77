package i18n

import (
	"strings"
	"testing"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/BurntSushi/toml"
)

// catalogue reads one catalogue as go-i18n does.
func catalogue(t *testing.T, code string) map[string]int {
	t.Helper()
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	f, err := b.LoadMessageFileFS(files, "locales/"+code+".toml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{} // id → how many forms it has
	for _, m := range f.Messages {
		for _, text := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
			if text != "" {
				out[m.ID]++
			}
		}
	}
	return out
}

// TestCataloguesHaveTheSameKeys: every catalogue has every key of the English one and no
// other, and each plural message has every form its language's CLDR rules use.
func TestCataloguesHaveTheSameKeys(t *testing.T) {
	en := catalogue(t, "en")
	for _, l := range Languages[1:] {
		other := catalogue(t, l.Code)
		for id := range en {
			if _, ok := other[id]; !ok {
				t.Errorf("%s lacks %q", l.Code, id)
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("%s has %q, which English lacks", l.Code, id)
			}
		}
		// A plural message must answer every count: a form its language's CLDR rule picks
		// and the catalogue lacks shows as the marked id.
		lang := Pick(l.Code, "")
		for id, forms := range en {
			for n := 0; forms > 1 && n <= 120; n++ {
				if got := lang.N(id, n); strings.HasPrefix(got, "⟦") {
					t.Errorf("%s %q has no plural form for %d", l.Code, id, n)
					break
				}
			}
		}
	}
	if len(en) < 20 {
		t.Errorf("English catalogue of %d messages: not loaded?", len(en))
	}
}

func TestPickFollowsChoiceThenBrowserThenEnglish(t *testing.T) {
	for _, c := range []struct{ choice, accept, want string }{
		{"ms", "ar", "ms"},
		{"", "ar-AE,ar;q=0.9,en;q=0.8", "ar"},
		{"", "ms-MY", "ms"},
		{"", "fr-FR", "en"},
		{"xx", "", "en"},
	} {
		if got := Pick(c.choice, c.accept).Code; got != c.want {
			t.Errorf("Pick(%q, %q) = %s, want %s", c.choice, c.accept, got, c.want)
		}
	}
}

func TestPluralsDatesAndNumbers(t *testing.T) {
	ar := Pick("ar", "")
	ms := Pick("ms", "")
	en := Pick("en", "")
	for _, c := range []struct {
		got, want string
	}{
		{en.N("newdraft.reuse_count", 1), "1 other draft holds this ID."},
		{en.N("newdraft.reuse_count", 1200), "1,200 other drafts hold this ID."},
		{ar.N("newdraft.reuse_count", 2), "مسودتان أخريان بهذه الهوية."},
		{ar.N("newdraft.reuse_count", 3), "3 مسودات أخرى بهذه الهوية."},
		{ar.N("newdraft.reuse_count", 11), "11 مسودة أخرى بهذه الهوية."},
		{ms.N("newdraft.reuse_count", 1), "1 draf lain memegang ID ini."},
		{ms.DateTime(time.Date(2026, 8, 2, 14, 5, 0, 0, time.UTC)), "2 Ogos 2026, 14:05"},
		{ar.DateTime(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), "2 مارس 2026، 09:00"},
		{en.T("no_such_key"), "⟦no_such_key⟧"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if ar.Dir() != "rtl" || ms.Dir() != "ltr" || !strings.Contains(ar.T("login_sso", "Name", "Bank ID"), "Bank ID") {
		t.Error("direction or template data wrong")
	}
}

// TestSayTranslatesServiceMessages: a service's English message, fixed or with values
// formatted in, reads in the language with the values kept; one the catalogues lack stays.
func TestSayTranslatesServiceMessages(t *testing.T) {
	ar, ms := Pick("ar", ""), Pick("ms", "")
	tests := []struct {
		l             *Lang
		english, want string
	}{
		{ar, "This draft is not complete yet.", "هذه المسودة غير مكتملة بعد."},
		{
			ms,
			"The image is 640×480 pixels; this document needs at least 1000×630. Take the photo closer or at a " +
				"higher resolution.",
			"Imej ini 640×480 piksel; dokumen ini memerlukan sekurang-kurangnya 1000×630. Ambil foto lebih dekat atau pada " +
				"resolusi lebih tinggi.",
		},
		{ar, "Something no catalogue holds.", "Something no catalogue holds."},
		{Pick("en", ""), "This draft is not complete yet.", "This draft is not complete yet."},
	}
	for _, tt := range tests {
		if got := tt.l.Say(tt.english); got != tt.want {
			t.Errorf("%s Say(%q) = %q, want %q", tt.l.Code, tt.english, got, tt.want)
		}
	}
	if len(services) < 40 {
		t.Errorf("only %d service messages read from the [svc] table", len(services))
	}
}

// An ID number's refusal reads in the language with its label and its count translated too.
func TestSayTranslatesTheValuesOfAMessage(t *testing.T) {
	got := Pick("ar", "").Say("Emirates ID: must be 15 digits (784-YYYY-NNNNNNN-N); got 14 digits")
	if want := "الهوية الإماراتية: يجب أن يتكون من 15 رقمًا (784-YYYY-NNNNNNN-N)؛ المُدخل 14 رقمًا"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSayTranslatesMixedCounts: the counts an ID-number refusal gives of what was typed read
// in the language, each in its plural form, joined by the language's "and".
func TestSayTranslatesMixedCounts(t *testing.T) {
	ar, ms := Pick("ar", ""), Pick("ms", "")
	tests := []struct {
		l             *Lang
		english, want string
	}{
		{ar, "Emirates ID: must be 15 digits (784-YYYY-NNNNNNN-N); got 14 digits and 1 letter",
			"الهوية الإماراتية: يجب أن يتكون من 15 رقمًا (784-YYYY-NNNNNNN-N)؛ المُدخل 14 رقمًا وحرف واحد"},
		{ar, "3 letters, 2 digits and 1 other character", "3 أحرف ورقمان ورمز آخر واحد"},
		{ms, "2 letters and 12 digits", "2 huruf dan 12 digit"},
		{ms, "1 digit", "1 digit"},
		{ar, "11 digits", "11 رقمًا"},
	}
	for _, tt := range tests {
		if got := tt.l.Say(tt.english); got != tt.want {
			t.Errorf("%s Say(%q) = %q, want %q", tt.l.Code, tt.english, got, tt.want)
		}
	}
}
