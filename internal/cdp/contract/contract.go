// Package contract holds the CDP onboarding contract's rules as the portal knows them
// (docs/cdp.md): the mandatory fields, their formats, the master-data codes, the document
// types and the per-document size limit. The CDP sandbox refuses with it what the CDP would
// refuse, and the portal's pre-flight check runs it on the exact payload the worker would
// send, so that the two can never disagree.
package contract

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"time"

	json "github.com/segmentio/encoding/json"

	"kycportal/internal/idnumber"
)

// MaxDocument is the CDP's limit on one decoded document, in bytes.
const MaxDocument = 5 << 20

// The CDP's error codes for the two kinds of refusal.
const (
	CodeFormat     = 40002 // a mandatory field missing, or a value malformed
	CodeMasterData = 45053 // a code the CDP's master data does not hold
)

// DocumentTypes are the content types the CDP accepts for an inline document.
var DocumentTypes = []string{"image/jpeg", "image/png", "application/pdf"}

// Required lists the payload paths the contract makes mandatory; [] stands for every element.
var Required = []string{
	"channel", "agent_location_id", "first_name", "last_name", "nationality", "date_of_birth",
	"country_of_birth", "country_of_residence", "resident_type_id", "gender", "primary_mobile_number",
	"email_id", "political_exposed_person", "address_list[].address_type_id", "address_list[].city",
	"address_list[].country", "id_details[].id_type", "id_details[].id_number", "id_details[].issued_country",
	"id_details[].id_front", "customer_classification.profile_photo",
}

// Finding is one rule a payload breaks: the path of the field, the CDP code it would
// answer with, and the reason in words.
type Finding struct {
	Path   string
	Code   int
	Reason string
}

var (
	e164       = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	email      = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	ecrnFormat = regexp.MustCompile(`^[0-9]{16}$`)
)

// Check lists every rule body breaks, by path. now judges the dates of birth.
func Check(body []byte, now time.Time) []Finding {
	k := &checker{md: &master, now: now, found: map[string]Finding{}}
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil || top == nil {
		k.format("body", "must be a JSON object")
		return k.findings()
	}
	if e := k.text(top, "", "ecrn", false); e != "" && !ecrnFormat.MatchString(e) {
		k.format("ecrn", "must be 16 digits")
	}
	k.person(top)
	k.addresses(top)
	k.documents(top)
	return k.findings()
}

type checker struct {
	md    *masterData
	now   time.Time
	found map[string]Finding
}

func (k *checker) format(path, reason string) { k.found[path] = Finding{path, CodeFormat, reason} }
func (k *checker) master(path, reason string) {
	if _, ok := k.found[path]; !ok {
		k.found[path] = Finding{path, CodeMasterData, reason}
	}
}

func (k *checker) findings() []Finding {
	out := make([]Finding, 0, len(k.found))
	for _, f := range k.found {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (k *checker) person(top map[string]any) {
	for _, key := range []string{"channel", "agent_location_id", "first_name", "last_name"} {
		k.text(top, "", key, true)
	}
	for _, key := range []string{"middle_name", "place_of_birth", "preferred_name", "mothers_maiden_name"} {
		k.text(top, "", key, false)
	}
	for _, key := range []string{"nationality", "country_of_birth", "country_of_residence"} {
		k.code(top, "", key, true, k.md.Countries)
	}
	if n, _ := top["nationality"].(string); slices.Contains(k.md.NotNationalities, n) {
		k.master("nationality", fmt.Sprintf("%q is an uninhabited territory, not a nationality", n))
	}
	k.code(top, "", "second_nationality", false, k.md.Countries)
	if dob := k.date(top, "", "date_of_birth", true); !dob.IsZero() && !dob.Before(k.now) {
		k.format("date_of_birth", "must be in the past")
	}
	k.code(top, "", "salutation", false, k.md.Salutations)
	k.intCode(top, "", "resident_type_id", true, k.md.ResidentTypes)
	k.code(top, "", "gender", true, k.md.Genders)
	k.matching(top, "primary_mobile_number", e164, "must be E.164, such as +971502106707")
	k.matching(top, "email_id", email, "must be an email address")
	k.intCode(top, "", "occupation_id", false, k.md.Occupations)
	k.boolean(top, "", "political_exposed_person", true)
}

func (k *checker) addresses(top map[string]any) {
	for _, a := range k.list(top, "address_list", true) {
		k.code(a.obj, a.path, "address_type_id", true, k.md.AddressTypes)
		k.text(a.obj, a.path, "city", true)
		k.code(a.obj, a.path, "country", true, k.md.Countries)
	}
}

func (k *checker) documents(top map[string]any) {
	for _, e := range k.list(top, "id_details", true) {
		k.idDetail(e)
	}
	for _, d := range k.list(top, "additional_docs", false) {
		k.code(d.obj, d.path, "document_id", true, k.md.DocumentIDs)
		k.file(d.obj, d.path)
	}
	cls := k.object(top, "", "customer_classification", true)
	if cls == nil {
		return
	}
	const path = "customer_classification"
	k.fileAt(cls, path, "profile_photo", true)
	k.intCode(cls, path, "income_type", false, k.md.IncomeTypes)
	k.intCode(cls, path, "annual_income_range_id", false, k.md.AnnualIncomeRanges)
	k.intCode(cls, path, "marital_status", false, k.md.MaritalStatuses)
	k.integer(cls, path, "txn_count_month", false)
	k.integer(cls, path, "txn_vol_month", false)
	k.boolean(cls, path, "dnfbp", false)
	k.boolean(cls, path, "dpms", false)
}

func (k *checker) idDetail(e entry) {
	typeCode := k.intCode(e.obj, e.path, "id_type", true, k.md.idTypeCodes)
	number := k.text(e.obj, e.path, "id_number", true)
	issued := k.code(e.obj, e.path, "issued_country", true, k.md.Countries)
	if t, ok := k.md.IDTypes[typeCode]; ok {
		if n, err := idnumber.Normalise(t.Kind, number); number != "" && (err != nil || n != number) {
			k.format(at(e.path, "id_number"), "is not a valid "+t.Name+" number")
		}
		if issued != "" && t.Country != "" && issued != t.Country {
			k.master(at(e.path, "issued_country"), t.Name+" is issued by "+t.Country)
		}
	}
	k.text(e.obj, e.path, "name_as_per_id", false)
	for _, key := range []string{"issued_on", "date_of_expiry", "visa_expiry_date"} {
		k.date(e.obj, e.path, key, false)
	}
	k.fileAt(e.obj, e.path, "id_front", true)
	k.fileAt(e.obj, e.path, "id_back", false)
}

type entry struct {
	path string
	obj  map[string]any
}

func at(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// value is obj[key]; a JSON null is absent, and absent is a violation when required.
func (k *checker) value(obj map[string]any, path, key string, required bool) (any, bool) {
	v, ok := obj[key]
	if (!ok || v == nil) && required {
		k.format(at(path, key), "is mandatory")
	}
	return v, ok && v != nil
}

func (k *checker) text(obj map[string]any, path, key string, required bool) string {
	v, ok := k.value(obj, path, key, required)
	s, isString := v.(string)
	switch {
	case ok && !isString:
		k.format(at(path, key), "must be a string")
	case ok && s == "" && required:
		k.format(at(path, key), "is mandatory")
	}
	return s
}

func (k *checker) matching(obj map[string]any, key string, re *regexp.Regexp, reason string) {
	if s := k.text(obj, "", key, true); s != "" && !re.MatchString(s) {
		k.format(key, reason)
	}
}

func (k *checker) integer(obj map[string]any, path, key string, required bool) (int64, bool) {
	v, ok := k.value(obj, path, key, required)
	if !ok {
		return 0, false
	}
	n, isNumber := v.(json.Number)
	i, err := n.Int64()
	if !isNumber || err != nil {
		k.format(at(path, key), "must be an integer")
		return 0, false
	}
	return i, true
}

func (k *checker) boolean(obj map[string]any, path, key string, required bool) {
	v, ok := k.value(obj, path, key, required)
	if _, isBool := v.(bool); ok && !isBool {
		k.format(at(path, key), "must be true or false")
	}
}

func (k *checker) date(obj map[string]any, path, key string, required bool) time.Time {
	s := k.text(obj, path, key, required)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		k.format(at(path, key), "must be a date YYYY-MM-DD")
	}
	return t
}

// code is a string master-data code; intCode an integer one, returned as text.
func (k *checker) code(obj map[string]any, path, key string, required bool, allowed []string) string {
	s := k.text(obj, path, key, required)
	k.known(at(path, key), s, allowed)
	return s
}

func (k *checker) intCode(obj map[string]any, path, key string, required bool, allowed []string) string {
	i, ok := k.integer(obj, path, key, required)
	if !ok {
		return ""
	}
	s := fmt.Sprint(i)
	k.known(at(path, key), s, allowed)
	return s
}

func (k *checker) known(path, code string, allowed []string) {
	if code != "" && !slices.Contains(allowed, code) {
		k.master(path, fmt.Sprintf("unknown code %q", code))
	}
}

func (k *checker) object(obj map[string]any, path, key string, required bool) map[string]any {
	v, ok := k.value(obj, path, key, required)
	m, isObject := v.(map[string]any)
	if ok && !isObject {
		k.format(at(path, key), "must be an object")
	}
	return m
}

// list is a top-level array of objects; required means present and not empty.
func (k *checker) list(top map[string]any, key string, required bool) []entry {
	v, ok := k.value(top, "", key, required)
	items, isList := v.([]any)
	switch {
	case ok && !isList:
		k.format(key, "must be a list")
	case ok && len(items) == 0 && required:
		k.format(key, "must not be empty")
	}
	var out []entry
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", key, i)
		if m, isObject := item.(map[string]any); isObject {
			out = append(out, entry{path, m})
		} else {
			k.format(path, "must be an object")
		}
	}
	return out
}

func (k *checker) fileAt(obj map[string]any, path, key string, required bool) {
	if f := k.object(obj, path, key, required); f != nil {
		k.file(f, at(path, key))
	}
}

// file checks an inline document: base64 that decodes to at most MaxDocument bytes of an
// allowed type whose bytes are what content_type says.
func (k *checker) file(obj map[string]any, path string) {
	data := k.text(obj, path, "base64_data", true)
	ct := k.text(obj, path, "content_type", true)
	allowed := slices.Contains(DocumentTypes, ct)
	if ct != "" && !allowed {
		k.format(at(path, "content_type"), "must be image/jpeg, image/png or application/pdf")
	}
	if data == "" {
		return
	}
	b, err := base64.StdEncoding.DecodeString(data)
	switch p := at(path, "base64_data"); {
	case err != nil:
		k.format(p, "is not valid base64")
	case len(b) > MaxDocument:
		k.format(p, fmt.Sprintf("is larger than the CDP's limit of %d MiB per document once decoded", MaxDocument>>20))
	case allowed && http.DetectContentType(b) != ct:
		k.format(p, "does not hold a "+ct+" document")
	}
}
