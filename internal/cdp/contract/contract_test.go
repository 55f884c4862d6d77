package contract_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/cdp/contract"
	"kycportal/internal/packs"
)

// payload is the AE fixture as the client sends it, decoded for editing.
func payload(t *testing.T) map[string]any {
	t.Helper()
	b, err := json.Marshal(cdptest.AECustomer())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func obj(v any, keys ...any) map[string]any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}

func jpegOf(size int) string {
	b := make([]byte, size)
	copy(b, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	return base64.StdEncoding.EncodeToString(b)
}

// TestRules is the table of the contract's rules: each class of malformed payload, broken
// once in the AE fixture, gives exactly one finding, on its field, with the CDP's code.
func TestRules(t *testing.T) {
	for _, tc := range []struct {
		class string
		edit  func(m map[string]any)
		code  float64
		field string
	}{
		{"mandatory field absent", func(m map[string]any) { delete(m, "first_name") }, 40002, "first_name"},
		{"mandatory field null", func(m map[string]any) { m["last_name"] = nil }, 40002, "last_name"},
		{"mandatory field empty", func(m map[string]any) { m["channel"] = "" }, 40002, "channel"},
		{"string of the wrong type", func(m map[string]any) { m["first_name"] = 5 }, 40002, "first_name"},
		{"integer as text", func(m map[string]any) { m["resident_type_id"] = "100" }, 40002, "resident_type_id"},
		{"integer with a fraction", func(m map[string]any) { m["occupation_id"] = 2.5 }, 40002, "occupation_id"},
		{"boolean as text", func(m map[string]any) { m["political_exposed_person"] = "no" }, 40002, "political_exposed_person"},
		{"date in another format", func(m map[string]any) { m["date_of_birth"] = "17/05/1990" }, 40002, "date_of_birth"},
		{"birth in the future", func(m map[string]any) { m["date_of_birth"] = "2999-01-01" }, 40002, "date_of_birth"},
		{"ID expiry not a date", func(m map[string]any) { obj(m, "id_details", 0)["date_of_expiry"] = "2027-02-30" }, 40002, "id_details[0].date_of_expiry"},
		{"mobile not E.164", func(m map[string]any) { m["primary_mobile_number"] = "0501112233" }, 40002, "primary_mobile_number"},
		{"email without domain", func(m map[string]any) { m["email_id"] = "fatima" }, 40002, "email_id"},
		{"ECRN not 16 digits", func(m map[string]any) { m["ecrn"] = "784123" }, 40002, "ecrn"},
		{"no addresses", func(m map[string]any) { m["address_list"] = []any{} }, 40002, "address_list"},
		{"address not an object", func(m map[string]any) { m["address_list"] = []any{"Dubai"} }, 40002, "address_list[0]"},
		{"address without city", func(m map[string]any) { delete(obj(m, "address_list", 1), "city") }, 40002, "address_list[1].city"},
		{"ID details not a list", func(m map[string]any) { m["id_details"] = map[string]any{} }, 40002, "id_details"},
		{"Emirates ID check digit", func(m map[string]any) { obj(m, "id_details", 0)["id_number"] = "784199554586092" }, 40002, "id_details[0].id_number"},
		{"ID front absent", func(m map[string]any) { delete(obj(m, "id_details", 0), "id_front") }, 40002, "id_details[0].id_front"},
		{"base64 that does not decode", func(m map[string]any) { obj(m, "id_details", 0, "id_front")["base64_data"] = "not base64!" }, 40002, "id_details[0].id_front.base64_data"},
		{"content type not allowed", func(m map[string]any) { obj(m, "id_details", 0, "id_back")["content_type"] = "image/gif" }, 40002, "id_details[0].id_back.content_type"},
		{"content type lies", func(m map[string]any) { obj(m, "id_details", 0, "id_front")["content_type"] = "application/pdf" }, 40002, "id_details[0].id_front.base64_data"},
		{"document over 5 MiB", func(m map[string]any) {
			obj(m, "customer_classification", "profile_photo")["base64_data"] = jpegOf(5<<20 + 1)
		}, 40002, "customer_classification.profile_photo.base64_data"},
		{"face photo absent", func(m map[string]any) { delete(obj(m, "customer_classification"), "profile_photo") }, 40002, "customer_classification.profile_photo"},
		{"report without its data", func(m map[string]any) { delete(obj(m, "additional_docs", 1), "base64_data") }, 40002, "additional_docs[1].base64_data"},
		{"unknown nationality", func(m map[string]any) { m["nationality"] = "XX" }, 45053, "nationality"},
		{"a territory for a nationality", func(m map[string]any) { m["nationality"] = "AQ" }, 45053, "nationality"},
		{"country in lower case", func(m map[string]any) { m["country_of_residence"] = "ae" }, 45053, "country_of_residence"},
		{"unknown address country", func(m map[string]any) { obj(m, "address_list", 0)["country"] = "ZZ" }, 45053, "address_list[0].country"},
		{"unknown resident type", func(m map[string]any) { m["resident_type_id"] = 999 }, 45053, "resident_type_id"},
		{"unknown gender", func(m map[string]any) { m["gender"] = "F" }, 45053, "gender"},
		{"unknown address type", func(m map[string]any) { obj(m, "address_list", 1)["address_type_id"] = "9" }, 45053, "address_list[1].address_type_id"},
		{"unknown ID type", func(m map[string]any) { obj(m, "id_details", 0)["id_type"] = 99 }, 45053, "id_details[0].id_type"},
		{"ID type of another country", func(m map[string]any) { obj(m, "id_details", 0)["issued_country"] = "MY" }, 45053, "id_details[0].issued_country"},
		{"unknown document code", func(m map[string]any) { obj(m, "additional_docs", 0)["document_id"] = "SELFIE" }, 45053, "additional_docs[0].document_id"},
		{"unknown salutation", func(m map[string]any) { m["salutation"] = "SIR" }, 45053, "salutation"},
		{"unknown occupation", func(m map[string]any) { m["occupation_id"] = 101 }, 45053, "occupation_id"},
		{"unknown income type", func(m map[string]any) { obj(m, "customer_classification")["income_type"] = 9 }, 45053, "customer_classification.income_type"},
		{"unknown income range", func(m map[string]any) { obj(m, "customer_classification")["annual_income_range_id"] = 9 }, 45053, "customer_classification.annual_income_range_id"},
		{"count as text", func(m map[string]any) { obj(m, "customer_classification")["txn_count_month"] = "4" }, 40002, "customer_classification.txn_count_month"},
		{"Aadhaar check digit", func(m map[string]any) {
			id := obj(m, "id_details", 0)
			id["id_type"] = 30
			id["id_number"] = "234123412345"
			id["issued_country"] = "IN"
		}, 40002, "id_details[0].id_number"},
		{"PhilID of another country", func(m map[string]any) {
			id := obj(m, "id_details", 0)
			id["id_type"], id["id_number"] = 40, "6214302987451236"
		}, 45053, "id_details[0].issued_country"},
		{"passport number too short", func(m map[string]any) {
			id := obj(m, "id_details", 0)
			id["id_type"], id["id_number"] = 1, "N12"
		}, 40002, "id_details[0].id_number"},
	} {
		t.Run(tc.class, func(t *testing.T) {
			m := payload(t)
			tc.edit(m)
			got := contract.Check(encode(t, m), now)
			if len(got) != 1 || got[0].Path != tc.field || got[0].Code != int(tc.code) {
				t.Fatalf("got %+v; want one finding on %s with code %v", got, tc.field, tc.code)
			}
		})
	}
}

func TestBodiesThatAreNotAnObject(t *testing.T) {
	for _, body := range []string{`not json`, `[]`, `null`} {
		if got := contract.Check([]byte(body), now); len(got) != 1 || got[0].Path != "body" {
			t.Errorf("%s: got %+v", body, got)
		}
	}
}

// The limits are the limits: every realistic draft and a document of exactly 5 MiB pass.
func TestAcceptsTheFixturesAndTheLimit(t *testing.T) {
	for _, d := range cdptest.Drafts() {
		if got := contract.Check(encode(t, cdptest.Payload(d.Name)), now); len(got) > 0 {
			t.Errorf("%s: %+v", d.Name, got)
		}
	}
	m := payload(t)
	obj(m, "customer_classification", "profile_photo")["base64_data"] = jpegOf(contract.MaxDocument)
	if got := contract.Check(encode(t, m), now); len(got) > 0 {
		t.Fatalf("a document of exactly the limit: %+v", got)
	}
}

// Every ID type of every pack is in the master data, and so is every code of every list a
// pack field sends to a master-data field.
func TestMasterDataCoversThePacks(t *testing.T) {
	for _, p := range packs.Default().Countries() {
		for _, it := range p.IDTypes {
			if _, ok := contract.IDTypeOf(it.Code); !ok {
				t.Errorf("%s: ID type %s (%s) is not in the master data", p.Country, it.Code, it.Label)
			}
		}
		for _, s := range p.Sections {
			for _, f := range s.Fields {
				for _, path := range f.CDP {
					codes := contract.Codes(generic(path))
					if codes == nil || f.Type != packs.TypeSelect {
						continue
					}
					for _, o := range p.Lists[f.List].Options {
						if !slices.Contains(codes, o.Code) {
							t.Errorf("%s: %s option %q is not a master-data code of %s", p.Country, f.Name, o.Code, path)
						}
					}
				}
			}
		}
	}
}

var index = regexp.MustCompile(`\[[0-9]*\]`)

func generic(path string) string { return index.ReplaceAllString(path, "[]") }

var now = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
