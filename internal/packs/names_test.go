package packs

import (
	"strings"
	"testing"
)

func TestArabicNameAcceptsArabicScriptOnly(t *testing.T) {
	ae, ok := Default().Latest("AE")
	if !ok {
		t.Fatal("no AE pack")
	}
	f, ok := ae.Field("full_name_arabic")
	if !ok || f.Type != TypeArabic {
		t.Fatal("the AE pack has no Arabic full name")
	}
	for v, valid := range map[string]bool{
		"فاطمة حسن الحداد": true,
		"عَبْدُ الله":      true, // with diacritics (marks)
		"Fatima حسن":       false,
		"فاطمة ١٢":         false, // Arabic-Indic digits are Arabic script, not a name
		"فاطمة، حسن":       false,
		"فاطمة  حسن":       false, // two spaces: Clean folds them, Invalid does not guess
		"Фатима":           false,
	} {
		if got := ae.Invalid(f, v, today) == ""; got != valid {
			t.Errorf("%q: valid = %v, want %v", v, got, valid)
		}
	}
}

func TestMalaysianNamesSplitAroundTheirMarker(t *testing.T) {
	my, ok := Default().Latest("MY")
	if !ok {
		t.Fatal("no MY pack")
	}
	for full, want := range map[string][3]string{
		"NUR AISYAH BINTI AHMAD":         {"NUR AISYAH", "BINTI", "AHMAD"},
		"MUHAMMAD FAIZ BIN ABDUL RAHMAN": {"MUHAMMAD FAIZ", "BIN", "ABDUL RAHMAN"},
		"RAJESH A/L SUBRAMANIAM":         {"RAJESH", "A/L", "SUBRAMANIAM"},
		"PRIYA A/P MUTHU":                {"PRIYA", "A/P", "MUTHU"},
		"TAN AH KOW":                     {"TAN AH KOW", "", ""}, // no marker: the ID does not say
		"BIN":                            {"BIN", "", ""},
		"SITI BINTI":                     {"SITI BINTI", "", ""}, // a marker with nothing after it is a name
	} {
		first, middle, last, marked := my.SplitName(full)
		if got := [3]string{first, middle, last}; got != want || marked != (want[1] != "") {
			t.Errorf("SplitName(%q) = %q, marked %v; want %q", full, got, marked, want)
		}
	}
}

func TestMalaysianNameOnTheIDMustMatchItsParts(t *testing.T) {
	my, _ := Default().Latest("MY")
	problem := func(values map[string]string) string {
		for _, p := range my.Check(values, today) {
			if p.Field == "name_as_per_id" {
				return p.Message
			}
		}
		return ""
	}
	base := map[string]string{"name_as_per_id": "NUR AISYAH BINTI AHMAD", "first_name": "Nur Aisyah",
		"middle_name": "binti", "last_name": "Ahmad"}
	if msg := problem(base); msg != "" {
		t.Errorf("matching parts (case aside): %q", msg)
	}
	base["middle_name"] = ""
	base["last_name"] = "Binti Ahmad"
	if msg := strings.NewReplacer("\u2068", "", "\u2069", "").Replace(problem(base)); !strings.Contains(
		msg,
		`the middle name "BINTI"`,
	) {
		t.Errorf("marker in the last name: %q, want the split spelled out", msg)
	}
	// Without a marker the ID does not say which word is the family name: a Chinese name is
	// written surname first on the MyKad, so both orders of the parts read as on the ID.
	for parts, ok := range map[[3]string]bool{
		{"Ah Kow", "", "Tan"}: true,  // surname first, as on the ID
		{"Tan Ah", "", "Kow"}: true,  // the words in the ID's order
		{"Ah", "", "Tan"}:     false, // a word of the ID is missing
		{"Ah Kow", "", "Lim"}: false,
	} {
		v := map[string]string{
			"name_as_per_id": "TAN AH KOW",
			"first_name":     parts[0],
			"middle_name":    parts[1],
			"last_name":      parts[2],
		}
		if msg := problem(v); (msg == "") != ok {
			t.Errorf("TAN AH KOW as %q: problem %q, want accepted %v", parts, msg, ok)
		}
	}
}
