package sandbox

import (
	"fmt"
	"regexp"
)

// masterData is the codes the sandbox accepts, from seed.json.
type masterData struct {
	Note          string            `json:"note"`
	IDTypes       map[string]idType `json:"id_types"`
	ResidentTypes []string          `json:"resident_types"`
	AddressTypes  []string          `json:"address_types"`
	Genders       []string          `json:"genders"`
	DocumentIDs   []string          `json:"document_ids"`
	ECRNPrefixes  map[string]string `json:"ecrn_prefixes"` // by issued country; others get "100"
	Countries     []string          `json:"countries"`
	// NotNationalities are countries (uninhabited territories) that are nobody's nationality.
	NotNationalities []string `json:"not_nationalities"`
	idTypeCodes      []string
}

type idType struct {
	Name    string `json:"name"`
	Country string `json:"country"`
	Pattern string `json:"pattern"`
	Luhn    bool   `json:"luhn"` // the last digit is a Luhn check digit
	pattern *regexp.Regexp
}

func (m *masterData) compile() error {
	for code, t := range m.IDTypes {
		re, err := regexp.Compile(t.Pattern)
		if err != nil {
			return fmt.Errorf("sandbox: seed.json: id type %s: %w", code, err)
		}
		t.pattern = re
		m.IDTypes[code] = t
		m.idTypeCodes = append(m.idTypeCodes, code)
	}
	return nil
}

// validNumber reports whether number is well formed for its ID type.
func (t idType) validNumber(number string) bool {
	return t.pattern.MatchString(number) && (!t.Luhn || luhn(number))
}

func luhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return len(digits) > 0 && sum%10 == 0
}
