package packs

import (
	"errors"
	"fmt"
	"regexp"
	"slices"

	"kycportal/internal/idnumber"
)

// maxFieldLength bounds every field: the longest CDP field hint is 500 (customer_remarks).
const maxFieldLength = 500

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	fieldName   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	requiredIn  = []string{Always, IfIDHasBack, Optional}
)

// check is the schema: everything a pack must satisfy before a draft may use it.
func (p *Pack) check() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !countryCode.MatchString(p.Country) {
		fail("country %q: want an ISO 3166-1 alpha-2 code", p.Country)
	}
	if p.Name == "" || p.Version < 1 {
		fail("name and a version of 1 or more are required")
	}
	errs = append(errs, p.checkIDTypes(), p.checkDocuments(), p.checkLists(), p.checkSections(), p.checkCDP())
	return errors.Join(errs...)
}

func (p *Pack) checkIDTypes() error {
	var errs []error
	seen := map[string]bool{}
	for _, t := range p.IDTypes {
		switch {
		case t.Code == "" || len(t.Code) > 3 || seen[t.Code]:
			errs = append(errs, fmt.Errorf("id type %q: codes are 1 to 3 characters (lookup idType) and unique", t.Code))
		case t.Label == "":
			errs = append(errs, fmt.Errorf("id type %s: label missing", t.Code))
		case !idnumber.Known(t.Kind):
			errs = append(errs, fmt.Errorf("id type %s: kind %q is not one of %v", t.Code, t.Kind, idnumber.Kinds()))
		case t.IssuedCountry != "" && !countryCode.MatchString(t.IssuedCountry):
			errs = append(errs, fmt.Errorf("id type %s: issued_country %q is not alpha-2", t.Code, t.IssuedCountry))
		}
		seen[t.Code] = true
	}
	if len(p.IDTypes) == 0 {
		errs = append(errs, errors.New("at least one id type is required"))
	}
	return errors.Join(errs...)
}

func (p *Pack) checkDocuments() error {
	var errs []error
	var kinds []string
	for _, d := range p.Documents {
		if !slices.Contains(DocumentKinds, d.Kind) || slices.Contains(kinds, d.Kind) {
			errs = append(errs, fmt.Errorf("document %q: want one each of %v", d.Kind, DocumentKinds))
		}
		if !slices.Contains(requiredIn, d.Required) || d.Label == "" {
			errs = append(errs, fmt.Errorf("document %s: a label and required one of %v", d.Kind, requiredIn))
		}
		kinds = append(kinds, d.Kind)
	}
	if !slices.Equal(kinds, DocumentKinds) {
		errs = append(errs, fmt.Errorf("documents: want %v in that order, got %v", DocumentKinds, kinds))
	}
	return errors.Join(errs...)
}

func (p *Pack) checkLists() error {
	var errs []error
	for name, l := range p.Lists {
		codes := map[string]bool{}
		for _, o := range l.Options {
			if o.Code == "" || o.Label == "" || codes[o.Code] {
				errs = append(errs, fmt.Errorf("list %s: option %q needs a unique code and a label", name, o.Code))
			}
			codes[o.Code] = true
		}
		if len(l.Options) == 0 {
			errs = append(errs, fmt.Errorf("list %s is empty", name))
		}
	}
	return errors.Join(errs...)
}

func (p *Pack) checkSections() error {
	var errs []error
	var keys []string
	p.fields = map[string]*Field{}
	for si := range p.Sections {
		s := &p.Sections[si]
		keys = append(keys, s.Key)
		for fi := range s.Fields {
			f := &s.Fields[fi]
			if p.fields[f.Name] != nil {
				errs = append(errs, fmt.Errorf("field %s appears twice", f.Name))
			}
			p.fields[f.Name] = f
			errs = append(errs, p.checkField(f))
		}
	}
	if !slices.Equal(keys, sectionKeys) {
		errs = append(errs, fmt.Errorf("sections: want %v in that order, got %v", sectionKeys, keys))
	}
	for _, f := range p.fields { // conditions may name a field of a later section
		errs = append(errs, p.checkCondition(f), p.checkNameOf(f))
	}
	return errors.Join(errs...)
}

func (p *Pack) checkField(f *Field) error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("field %s: "+format, append([]any{f.Name}, args...)...))
	}
	if !fieldName.MatchString(f.Name) || f.Label == "" {
		fail("a snake_case name of at most 40 characters and a label are required")
	}
	if !slices.Contains(fieldTypes, f.Type) {
		fail("type %q is not one of %v", f.Type, fieldTypes)
	}
	if f.MaxLength < 1 || f.MaxLength > maxFieldLength {
		fail("max_length %d: want 1 to %d", f.MaxLength, maxFieldLength)
	}
	if f.Type == TypeSelect {
		if _, ok := p.Lists[f.List]; !ok {
			fail("list %q is not in lists", f.List)
		}
	} else if f.List != "" {
		fail("only a select names a list")
	}
	if (f.Type == TypeIDNumber) != idnumber.Known(f.IDKind) {
		fail("an id_number field, and only one, names a known id_kind (%v)", idnumber.Kinds())
	}
	if (f.Type == TypeDate) != (f.Date == "past" || f.Date == "future") {
		fail(`a date field, and only one, says date "past" or "future"`)
	}
	if f.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + f.Pattern + `)$`)
		if err != nil || f.PatternHint == "" {
			fail("pattern must compile and come with a pattern_hint (%v)", err)
		}
		f.pattern = re
	}
	return errors.Join(errs...)
}

func (p *Pack) checkCondition(f *Field) error {
	c := f.RequiredWhen
	if c == nil {
		return nil
	}
	other, ok := p.fields[c.Field]
	if !ok || other == f || len(c.In) == 0 {
		return fmt.Errorf("field %s: required_when names field %q, which must be another field, with values", f.Name, c.Field)
	}
	for _, v := range c.In {
		if (other.Type == TypeSelect && !p.hasOption(other.List, v)) || (other.Type == TypeBoolean && v != "yes") {
			return fmt.Errorf("field %s: required_when value %q is not a value of %s", f.Name, v, other.Name)
		}
	}
	return nil
}

// checkNameOf: a full name names its first, middle and last name fields, three fields of the pack.
func (p *Pack) checkNameOf(f *Field) error {
	if len(f.NameOf) == 0 {
		return nil
	}
	if len(f.NameOf) != 3 {
		return fmt.Errorf("field %s: name_of lists the first, middle and last name fields: three", f.Name)
	}
	for _, name := range f.NameOf {
		if p.fields[name] == nil {
			return fmt.Errorf("field %s: name_of names %q, not a field", f.Name, name)
		}
	}
	return nil
}

func (p *Pack) hasOption(list, code string) bool {
	return slices.ContainsFunc(p.Lists[list].Options, func(o Option) bool { return o.Code == code })
}
