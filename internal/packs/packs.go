// Package packs holds the requirement packs: one versioned JSON file per country and
// version, embedded in the binary, that says which fields, ID types, master-data lists and
// documents an onboarding draft of that country needs. Rules are data; this package reads
// them, checks them when loading (the schema), and judges a draft's values against them.
package packs

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"kycportal/internal/i18n"
)

// Pack is one version of one country's requirements.
type Pack struct {
	Country      string          `json:"country"` // ISO 3166-1 alpha-2
	Name         string          `json:"name"`
	Version      int             `json:"version"`
	MakerChecker bool            `json:"maker_checker"`          // a checker approves before submission
	NameMarkers  []string        `json:"name_markers,omitempty"` // words of a full name that are the middle name (BIN, A/L)
	IDTypes      []IDType        `json:"id_types"`
	Documents    []Document      `json:"documents"`
	Lists        map[string]List `json:"lists"`
	Sections     []Section       `json:"sections"`
	// CDPFixed are payload values the pack sets whatever the agent typed (address type
	// codes, the ID's status flags). A value inside an array element is set only when a
	// field fed that element: an address nobody gave is not sent.
	CDPFixed map[string]any `json:"cdp_fixed,omitempty"`
	// Translations are the pack's texts in the other languages (translate.go).
	Translations Translations `json:"translations,omitempty"`

	fields    map[string]*Field
	lang      *i18n.Lang       // the language of the texts and messages; nil: English
	localized map[string]*Pack // the pack in each language of Translations
}

// IDType is an identity document the pack accepts.
type IDType struct {
	Code          string `json:"code"` // CDP master data (id_type)
	Label         string `json:"label"`
	Kind          string `json:"kind"`     // the idnumber kind that checks its number
	HasBack       bool   `json:"has_back"` // a back side must be photographed
	IssuedCountry string `json:"issued_country,omitempty"`
	IssuedBy      string `json:"issued_by,omitempty"`
	Confirmed     bool   `json:"confirmed"` // the CDP contract confirms the code
}

// The required values of Document.Required.
const (
	Always        = "always"
	IfIDHasBack   = "if_id_has_back"
	Optional      = "optional"
	DocIDFront    = "id_front"
	DocIDBack     = "id_back"
	DocFace       = "face"
	DocEKYCReport = "ekyc_report" // the e-KYC verification report
	// DocEKYCConfirmation is the e-KYC confirmation report.
	DocEKYCConfirmation = "ekyc_confirmation"
)

// DocumentKinds are the kinds of document a draft can hold, in the order they are asked for.
var DocumentKinds = []string{DocIDFront, DocIDBack, DocFace, DocEKYCReport, DocEKYCConfirmation}

// IsReport reports whether kind is an e-KYC report: a PDF, where the others are photos.
func IsReport(kind string) bool { return kind == DocEKYCReport || kind == DocEKYCConfirmation }

// Document says whether a kind of document is needed.
type Document struct {
	Kind       string `json:"kind"`
	Label      string `json:"label"`
	Required   string `json:"required"`
	CDP        string `json:"cdp"`                   // where the file goes in the payload
	DocumentID string `json:"document_id,omitempty"` // its master-data code, in additional_docs
}

// List is a master-data list.
type List struct {
	Note    string   `json:"note,omitempty"`
	Options []Option `json:"options"`
	// Translations name the options in the other languages, by code (the country list).
	Translations Translations `json:"translations,omitempty"`
}

// Option is one master-data code. Confirmed marks the codes the CDP contract shows; the
// others are assumptions to confirm with the CDP operator.
type Option struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	Confirmed bool   `json:"confirmed,omitempty"`
}

// Section keys, in step order; the documents and review steps follow them.
const (
	SectionPersonal       = "personal"
	SectionAddresses      = "addresses"
	SectionIdentity       = "identity"
	SectionClassification = "classification"
)

var sectionKeys = []string{SectionPersonal, SectionAddresses, SectionIdentity, SectionClassification}

// Section is one step of the form.
type Section struct {
	Key    string  `json:"key"`
	Title  string  `json:"title"`
	Fields []Field `json:"fields"`
}

// Field types.
const (
	TypeText     = "text"
	TypeName     = "name"        // Unicode letters, spaces, apostrophes and hyphens
	TypeArabic   = "name_arabic" // Arabic letters and marks, words separated by spaces
	TypeTextarea = "textarea"
	TypeDate     = "date" // YYYY-MM-DD
	TypeSelect   = "select"
	TypeCountry  = "country"
	TypeEmail    = "email"
	TypePhone    = "phone" // E.164
	TypeInteger  = "integer"
	TypeBoolean  = "boolean" // "yes" or empty
	TypeIDNumber = "id_number"
)

var fieldTypes = []string{TypeText, TypeName, TypeArabic, TypeTextarea, TypeDate, TypeSelect, TypeCountry, TypeEmail,
	TypePhone, TypeInteger, TypeBoolean, TypeIDNumber}

// Field is one input of a section.
type Field struct {
	Name         string     `json:"name"` // unique in the pack; the key of the draft's value
	Label        string     `json:"label"`
	Type         string     `json:"type"`
	Required     bool       `json:"required,omitempty"`
	RequiredWhen *Condition `json:"required_when,omitempty"`
	MaxLength    int        `json:"max_length"`
	Pattern      string     `json:"pattern,omitempty"` // anchored by the loader
	PatternHint  string     `json:"pattern_hint,omitempty"`
	List         string     `json:"list,omitempty"` // select: a key of Lists
	Date         string     `json:"date,omitempty"` // "past" or "future"
	IDKind       string     `json:"id_kind,omitempty"`
	Help         string     `json:"help,omitempty"`
	CDP          Paths      `json:"cdp,omitempty"`     // the onboarding payload fields it feeds
	CDPAs        string     `json:"cdp_as,omitempty"`  // the value transform (cdp.go)
	NameOf       []string   `json:"name_of,omitempty"` // the first, middle and last name fields this full name must read as

	pattern *regexp.Regexp
}

// Condition holds when another field's value is one of In.
type Condition struct {
	Field string   `json:"field"`
	In    []string `json:"in"`
}

// Field returns the field called name.
func (p *Pack) Field(name string) (*Field, bool) {
	f, ok := p.fields[name]
	return f, ok
}

// Section returns the section with key.
func (p *Pack) Section(key string) (Section, bool) {
	for _, s := range p.Sections {
		if s.Key == key {
			return s, true
		}
	}
	return Section{}, false
}

// IDType returns the ID type with code.
func (p *Pack) IDType(code string) (IDType, bool) {
	for _, t := range p.IDTypes {
		if t.Code == code {
			return t, true
		}
	}
	return IDType{}, false
}

// Label is the label of code in list, or code itself when unknown.
func (p *Pack) Label(list, code string) string {
	for _, o := range p.Lists[list].Options {
		if o.Code == code {
			return o.Label
		}
	}
	return code
}

// Registry holds every version of every pack.
type Registry struct {
	packs map[string][]*Pack // by country, oldest version first
}

//go:embed data/*.json
var embedded embed.FS

var defaultRegistry = mustLoad(embedded, "data")

func mustLoad(fsys fs.FS, dir string) *Registry {
	r, err := Load(fsys, dir)
	if err != nil {
		panic(err) // the embedded packs are checked by the tests of this package
	}
	return r
}

// Default is the registry of the packs built into the binary.
func Default() *Registry { return defaultRegistry }

// File is the embedded pack file called name (ae-v1.json, countries.json) as it ships: tests
// edit it into the registry they need (packstest).
func File(name string) ([]byte, error) { return embedded.ReadFile("data/" + name) }

// Load reads every <country>-v<version>.json of dir, with countries.json as the shared
// "country" list, and checks each pack against the schema.
func Load(fsys fs.FS, dir string) (*Registry, error) {
	countries, err := readList(fsys, path.Join(dir, "countries.json"))
	if err == nil {
		err = checkListTranslations(countries)
	}
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*-v*.json"))
	if err != nil {
		return nil, err
	}
	r := &Registry{packs: map[string][]*Pack{}}
	for _, name := range names {
		p, err := readPack(fsys, name, countries)
		if err != nil {
			return nil, err
		}
		r.packs[p.Country] = append(r.packs[p.Country], p)
	}
	for _, versions := range r.packs {
		slices.SortFunc(versions, func(a, b *Pack) int { return a.Version - b.Version })
	}
	return r, nil
}

func readList(fsys fs.FS, name string) (List, error) {
	var l List
	b, err := fs.ReadFile(fsys, name)
	if err == nil {
		err = strictJSON(b, &l)
	}
	if err != nil {
		return l, fmt.Errorf("packs: %s: %w", name, err)
	}
	return l, nil
}

func readPack(fsys fs.FS, name string, countries List) (*Pack, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("packs: %w", err)
	}
	p, err := decodePack(b, name, countries)
	if err == nil {
		err = p.checkTranslations()
	}
	if err != nil {
		return nil, fmt.Errorf("packs: %s: %w", name, err)
	}
	p.localized = map[string]*Pack{}
	for code, words := range p.Translations {
		q, err := decodePack(b, name, countries.in(code)) // a copy of its own, then translated
		if err != nil {
			return nil, err
		}
		for _, s := range q.texts() {
			*s = words[*s]
		}
		q.lang = i18n.Pick(code, "")
		p.localized[code] = q
	}
	return p, nil
}

// decodePack reads and checks one pack file.
func decodePack(b []byte, name string, countries List) (*Pack, error) {
	var p Pack
	if err := strictJSON(b, &p); err != nil {
		return nil, fmt.Errorf("packs: %s: %w", name, err)
	}
	if want := fmt.Sprintf("%s-v%d.json", strings.ToLower(p.Country), p.Version); path.Base(name) != want {
		return nil, fmt.Errorf("packs: %s: country and version say the file should be named %s", name, want)
	}
	if p.Lists == nil {
		p.Lists = map[string]List{}
	}
	p.Lists[TypeCountry] = countries
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("packs: %s: %w", name, err)
	}
	return &p, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Latest is the newest pack of country: the one a new draft starts with.
func (r *Registry) Latest(country string) (*Pack, bool) {
	versions := r.packs[country]
	if len(versions) == 0 {
		return nil, false
	}
	return versions[len(versions)-1], true
}

// Get is a given version of a country's pack: the one a draft was started with.
func (r *Registry) Get(country string, version int) (*Pack, bool) {
	for _, p := range r.packs[country] {
		if p.Version == version {
			return p, true
		}
	}
	return nil, false
}

// Countries lists the latest pack of each country, by country code.
func (r *Registry) Countries() []*Pack {
	var out []*Pack
	for c := range r.packs {
		p, _ := r.Latest(c)
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Pack) int { return strings.Compare(a.Country, b.Country) })
	return out
}
