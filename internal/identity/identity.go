// Package identity checks an identity document as an agent enters it, before anything is
// asked of the CDP or stored: a country the agent onboards for, an ID type of that
// country's pack, a number valid for its kind (internal/idnumber), and the country that
// issued it. The search by ID, a new draft and an update of a CDP customer all start here.
package identity

import (
	"fmt"
	"slices"

	"kycportal/internal/idnumber"
	"kycportal/internal/packs"
)

// FieldErrors are messages for the agent, by form field.
type FieldErrors map[string]string

func (f FieldErrors) Error() string { return fmt.Sprintf("%d fields need attention", len(f)) }

// Entered is a document as the agent typed it.
type Entered struct {
	Country, IDType, IDNumber, IssuedCountry string
}

// Document is an entered document that holds.
type Document struct {
	Pack          *packs.Pack // the latest pack of its country
	IDType        string
	Number        string // normalised
	IssuedCountry string // the pack's for a national ID, else the one entered
}

// Check checks in for an agent who onboards for countries; a refusal is FieldErrors.
func Check(reg *packs.Registry, countries []string, in Entered) (Document, error) {
	p, ok := reg.Latest(in.Country)
	if !ok || !slices.Contains(countries, in.Country) {
		return Document{}, FieldErrors{"country": "Choose a country you onboard for."}
	}
	t, ok := p.IDType(in.IDType)
	if !ok {
		return Document{}, FieldErrors{"id_type": "Choose an ID type of " + p.Name + "."}
	}
	number, err := idnumber.Normalise(t.Kind, in.IDNumber)
	if err != nil {
		return Document{}, FieldErrors{"id_number": err.Error()}
	}
	issued := t.IssuedCountry
	if issued == "" {
		issued = in.IssuedCountry
		if !p.ValidCountry(issued) {
			return Document{}, FieldErrors{"issued_country": "Choose the country that issued the " + t.Label + "."}
		}
	}
	return Document{Pack: p, IDType: in.IDType, Number: number, IssuedCountry: issued}, nil
}
