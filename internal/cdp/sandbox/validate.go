package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"time"
)

const maxDocument = 5 << 20 // decoded bytes per document (docs/cdp.md)

var (
	documentTypes = []string{"image/jpeg", "image/png", "application/pdf"}
	e164          = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	email         = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	ecrnFormat    = regexp.MustCompile(`^[0-9]{16}$`)
)

// onboarding is what the sandbox keeps of a valid onboard request.
type onboarding struct {
	ecrn string
	c    customer
}

// checker reads an onboard request as a strict partner API would, noting every violation by
// field path: format holds the missing and malformed (400/40002), master the unknown codes
// (400/45053).
type checker struct {
	md     *masterData
	now    time.Time
	format map[string]string
	master map[string]string
}

type entry struct {
	path string
	obj  map[string]any
}

func (s *Sandbox) check(body []byte) (onboarding, *checker) {
	k := &checker{md: &s.master, now: s.cfg.Now(), format: map[string]string{}, master: map[string]string{}}
	var top map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&top); err != nil || top == nil {
		k.format["body"] = "must be a JSON object"
		return onboarding{}, k
	}
	o := onboarding{ecrn: k.text(top, "", "ecrn", false)}
	if o.ecrn != "" && !ecrnFormat.MatchString(o.ecrn) {
		k.format["ecrn"] = "must be 16 digits"
	}
	k.person(top, &o.c)
	k.documents(top, &o.c)
	return o, k
}

func (k *checker) person(top map[string]any, c *customer) {
	p := &c.Profile
	k.text(top, "", "channel", true)
	p.AgentLocationID = k.text(top, "", "agent_location_id", true)
	p.FirstName = k.text(top, "", "first_name", true)
	p.MiddleName = k.text(top, "", "middle_name", false)
	p.LastName = k.text(top, "", "last_name", true)
	for _, key := range []string{"nationality", "country_of_birth", "country_of_residence"} {
		k.code(top, "", key, true, k.md.Countries)
	}
	if n, _ := top["nationality"].(string); slices.Contains(k.md.NotNationalities, n) {
		k.master["nationality"] = fmt.Sprintf("%q is an uninhabited territory, not a nationality", n)
	}
	k.code(top, "", "second_nationality", false, k.md.Countries)
	if dob := k.date(top, "", "date_of_birth", true); !dob.IsZero() && !dob.Before(k.now) {
		k.format["date_of_birth"] = "must be in the past"
	}
	k.intCode(top, "", "resident_type_id", true, k.md.ResidentTypes)
	k.code(top, "", "gender", true, k.md.Genders)
	p.PrimaryMobileNumber = k.matching(top, "primary_mobile_number", e164, "must be E.164, such as +971502106707")
	p.EmailID = k.matching(top, "email_id", email, "must be an email address")
	if occ, ok := k.integer(top, "", "occupation_id", false); ok && occ <= 0 {
		k.format["occupation_id"] = "must be a positive master-data id"
	}
	c.PEP = k.boolean(top, "", "political_exposed_person", true)
	for _, a := range k.list(top, "address_list", true) {
		k.code(a.obj, a.path, "address_type_id", true, k.md.AddressTypes)
		k.text(a.obj, a.path, "city", true)
		k.code(a.obj, a.path, "country", true, k.md.Countries)
	}
}

func (k *checker) documents(top map[string]any, c *customer) {
	for i, e := range k.list(top, "id_details", true) {
		id := k.idDetail(e)
		if i == 0 {
			c.IDType, c.IDNumber, c.IssuedCountry, c.Profile.IDDateOfExpiry = id.IDType, id.IDNumber, id.IssuedCountry, id.Profile.IDDateOfExpiry
		}
	}
	for _, d := range k.list(top, "additional_docs", false) {
		k.code(d.obj, d.path, "document_id", true, k.md.DocumentIDs)
		k.file(d.obj, d.path)
	}
	if cls := k.object(top, "", "customer_classification", true); cls != nil {
		k.fileAt(cls, "customer_classification", "profile_photo", true)
	}
}

func (k *checker) idDetail(e entry) customer {
	c := customer{
		IDType:        k.intCode(e.obj, e.path, "id_type", true, k.md.idTypeCodes),
		IDNumber:      k.text(e.obj, e.path, "id_number", true),
		IssuedCountry: k.code(e.obj, e.path, "issued_country", true, k.md.Countries),
	}
	if t, ok := k.md.IDTypes[c.IDType]; ok {
		if c.IDNumber != "" && !t.validNumber(c.IDNumber) {
			k.format[at(e.path, "id_number")] = "is not a valid " + t.Name + " number"
		}
		if c.IssuedCountry != "" && c.IssuedCountry != t.Country {
			k.master[at(e.path, "issued_country")] = t.Name + " is issued by " + t.Country
		}
	}
	k.text(e.obj, e.path, "name_as_per_id", false)
	k.date(e.obj, e.path, "issued_on", false)
	if expiry := k.date(e.obj, e.path, "date_of_expiry", false); !expiry.IsZero() {
		c.Profile.IDDateOfExpiry = expiry.Format("2006-01-02T15:04:05.000-07:00")
	}
	k.date(e.obj, e.path, "visa_expiry_date", false)
	k.fileAt(e.obj, e.path, "id_front", true)
	k.fileAt(e.obj, e.path, "id_back", false)
	return c
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
		k.format[at(path, key)] = "is mandatory"
	}
	return v, ok && v != nil
}

func (k *checker) text(obj map[string]any, path, key string, required bool) string {
	v, ok := k.value(obj, path, key, required)
	s, isString := v.(string)
	switch {
	case ok && !isString:
		k.format[at(path, key)] = "must be a string"
	case ok && s == "" && required:
		k.format[at(path, key)] = "is mandatory"
	}
	return s
}

func (k *checker) matching(obj map[string]any, key string, re *regexp.Regexp, reason string) string {
	s := k.text(obj, "", key, true)
	if s != "" && !re.MatchString(s) {
		k.format[key] = reason
	}
	return s
}

func (k *checker) integer(obj map[string]any, path, key string, required bool) (int64, bool) {
	v, ok := k.value(obj, path, key, required)
	if !ok {
		return 0, false
	}
	n, isNumber := v.(json.Number)
	i, err := n.Int64()
	if !isNumber || err != nil {
		k.format[at(path, key)] = "must be an integer"
		return 0, false
	}
	return i, true
}

func (k *checker) boolean(obj map[string]any, path, key string, required bool) bool {
	v, ok := k.value(obj, path, key, required)
	b, isBool := v.(bool)
	if ok && !isBool {
		k.format[at(path, key)] = "must be true or false"
	}
	return b
}

func (k *checker) date(obj map[string]any, path, key string, required bool) time.Time {
	s := k.text(obj, path, key, required)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		k.format[at(path, key)] = "must be a date YYYY-MM-DD"
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
		k.master[path] = fmt.Sprintf("unknown code %q", code)
	}
}

func (k *checker) object(obj map[string]any, path, key string, required bool) map[string]any {
	v, ok := k.value(obj, path, key, required)
	m, isObject := v.(map[string]any)
	if ok && !isObject {
		k.format[at(path, key)] = "must be an object"
	}
	return m
}

// list is a top-level array of objects; required means present and not empty.
func (k *checker) list(top map[string]any, key string, required bool) []entry {
	v, ok := k.value(top, "", key, required)
	items, isList := v.([]any)
	switch {
	case ok && !isList:
		k.format[key] = "must be a list"
	case ok && len(items) == 0 && required:
		k.format[key] = "must not be empty"
	}
	var out []entry
	for i, item := range items {
		path := fmt.Sprintf("%s[%d]", key, i)
		if m, isObject := item.(map[string]any); isObject {
			out = append(out, entry{path, m})
		} else {
			k.format[path] = "must be an object"
		}
	}
	return out
}

func (k *checker) fileAt(obj map[string]any, path, key string, required bool) {
	if f := k.object(obj, path, key, required); f != nil {
		k.file(f, at(path, key))
	}
}

// file checks an inline document: base64 that decodes to at most 5 MiB of an allowed type
// whose bytes are what content_type says.
func (k *checker) file(obj map[string]any, path string) {
	data := k.text(obj, path, "base64_data", true)
	ct := k.text(obj, path, "content_type", true)
	allowed := slices.Contains(documentTypes, ct)
	if ct != "" && !allowed {
		k.format[at(path, "content_type")] = "must be image/jpeg, image/png or application/pdf"
	}
	if data == "" {
		return
	}
	b, err := base64.StdEncoding.DecodeString(data)
	switch p := at(path, "base64_data"); {
	case err != nil:
		k.format[p] = "is not valid base64"
	case len(b) > maxDocument:
		k.format[p] = "is larger than 5 MiB once decoded"
	case allowed && http.DetectContentType(b) != ct:
		k.format[p] = "does not hold a " + ct + " document"
	}
}
