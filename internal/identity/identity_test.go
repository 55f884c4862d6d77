package identity

import (
	"errors"
	"testing"

	"kycportal/internal/packs"
)

// TestCheck: a document holds when its country is one the agent onboards for, its type is
// of that country's pack and its number valid; a national ID is issued by its country, a
// passport by the country entered. Each refusal names its field.
func TestCheck(t *testing.T) {
	t.Parallel()
	reg := packs.Default()
	ae, _ := reg.Latest("AE")
	var national, passport string
	for _, it := range ae.IDTypes {
		switch {
		case it.IssuedCountry == "AE":
			national = it.Code
		case it.IssuedCountry == "":
			passport = it.Code
		}
	}
	if national == "" || passport == "" {
		t.Fatalf("the AE pack has no national ID type or no passport: %+v", ae.IDTypes)
	}
	const emiratesID = "784-1990-1234567-6"
	for _, tt := range []struct {
		name  string
		in    Entered
		field string // refused on it; "" when the document holds
	}{
		{"a national ID", Entered{Country: "AE", IDType: national, IDNumber: emiratesID}, ""},
		{"a country not onboarded", Entered{Country: "MY", IDType: "28", IDNumber: "900101-14-5678"}, "country"},
		{"no such country", Entered{Country: "ZZ", IDType: national, IDNumber: emiratesID}, "country"},
		{"a type of another pack", Entered{Country: "AE", IDType: "28", IDNumber: emiratesID}, "id_type"},
		{"a wrong check digit", Entered{Country: "AE", IDType: national, IDNumber: "784-1990-1234567-5"}, "id_number"},
		{"a passport without its country", Entered{Country: "AE", IDType: passport, IDNumber: "N1234567"}, "issued_country"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Check(reg, []string{"AE"}, tt.in)
			var fe FieldErrors
			switch {
			case tt.field == "" && (err != nil || doc.Pack != ae || doc.Number != "784199012345676" || doc.IssuedCountry != "AE"):
				t.Errorf("got %+v %v, want the document normalised, issued by AE", doc, err)
			case tt.field != "" && (!errors.As(err, &fe) || fe[tt.field] == "" || len(fe) != 1):
				t.Errorf("got %v, want a refusal on %s", err, tt.field)
			}
		})
	}
}
