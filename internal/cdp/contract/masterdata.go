package contract

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"

	"kycportal/internal/idnumber"
)

//go:embed masterdata.json
var masterJSON []byte

// masterData is the codes the contract accepts, from masterdata.json.
type masterData struct {
	Note               string            `json:"note"`
	IDTypes            map[string]IDType `json:"id_types"`
	NotNationalities   []string          `json:"not_nationalities"`
	ResidentTypes      []string          `json:"resident_types"`
	AddressTypes       []string          `json:"address_types"`
	Genders            []string          `json:"genders"`
	Salutations        []string          `json:"salutations"`
	Occupations        []string          `json:"occupations"`
	IncomeTypes        []string          `json:"income_types"`
	AnnualIncomeRanges []string          `json:"annual_income_ranges"`
	MaritalStatuses    []string          `json:"marital_statuses"`
	DocumentIDs        []string          `json:"document_ids"`
	Countries          []string          `json:"countries"`
	idTypeCodes        []string
}

// IDType is an identity document the CDP knows: its number is checked as idnumber's Kind,
// and only Country issues it (any country, when empty: a passport).
type IDType struct {
	Name    string `json:"name"`
	Country string `json:"country,omitempty"`
	Kind    string `json:"kind"`
}

var master = mustLoad()

func mustLoad() masterData {
	var m masterData
	dec := json.NewDecoder(bytes.NewReader(masterJSON))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		panic(fmt.Sprintf("contract: masterdata.json: %v", err)) // checked by this package's tests
	}
	for code, t := range m.IDTypes {
		if !idnumber.Known(t.Kind) {
			panic(fmt.Sprintf("contract: masterdata.json: id type %s: unknown kind %q", code, t.Kind))
		}
		m.idTypeCodes = append(m.idTypeCodes, code)
	}
	slices.Sort(m.idTypeCodes)
	return m
}

// IDTypeOf is the ID type with the master-data code, and whether the CDP knows it.
func IDTypeOf(code string) (IDType, bool) {
	t, ok := master.IDTypes[code]
	return t, ok
}

// ValidIDNumber reports whether number is a well-formed, normalised number of ID type code.
func ValidIDNumber(code, number string) bool {
	t, ok := master.IDTypes[code]
	if !ok {
		return false
	}
	n, err := idnumber.Normalise(t.Kind, number)
	return err == nil && n == number
}

// Codes lists the master-data codes the contract accepts at a payload path (array indexes
// written []), or nil when the path is not a master-data code.
func Codes(path string) []string {
	return map[string][]string{
		"salutation": master.Salutations, "resident_type_id": master.ResidentTypes, "gender": master.Genders,
		"occupation_id": master.Occupations, "nationality": master.Countries, "country_of_birth": master.Countries,
		"country_of_residence": master.Countries, "second_nationality": master.Countries,
		"address_list[].address_type_id": master.AddressTypes, "address_list[].country": master.Countries,
		"id_details[].id_type": master.idTypeCodes, "id_details[].issued_country": master.Countries,
		"additional_docs[].document_id":                  master.DocumentIDs,
		"customer_classification.income_type":            master.IncomeTypes,
		"customer_classification.annual_income_range_id": master.AnnualIncomeRanges,
		"customer_classification.marital_status":         master.MaritalStatuses,
	}[path]
}
