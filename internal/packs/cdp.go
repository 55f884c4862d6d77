package packs

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// Paths is a field's or document's cdp key: where its value goes in the CDP onboarding
// payload. In the pack it is one path, or a list of them when one value feeds several
// fields (the current address's country is also the country of residence). The grammar is
// in docs/cdp.md: names joined by dots, a name may end in [N] (the Nth element of an array)
// or [] (a new element appended).
type Paths []string

// UnmarshalJSON reads one path or a list of paths.
func (p *Paths) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*p = Paths{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("cdp: want a path or a list of paths")
	}
	*p = many
	return nil
}

// The value transforms a field's cdp_as may name. Without one, integer fields are sent as
// JSON numbers, boolean fields as true or false, every other field as its text.
const (
	AsText    = "text"
	AsInteger = "integer" // a numeric master-data code or count: a JSON number
	AsBoolean = "boolean" // "yes" → true, empty → false
)

var (
	transforms  = []string{AsText, AsInteger, AsBoolean}
	payloadPath = regexp.MustCompile(`^[a-z_]+(\[[0-9]?\])?(\.[a-z_]+(\[[0-9]?\])?)*$`)
)

// Transform is how f's value is written into the payload.
func (f *Field) Transform() string {
	switch {
	case f.CDPAs != "":
		return f.CDPAs
	case f.Type == TypeInteger:
		return AsInteger
	case f.Type == TypeBoolean:
		return AsBoolean
	}
	return AsText
}

// checkCDP is the schema of the pack's cdp keys: well-formed paths, known transforms, no two
// fields writing the same place.
func (p *Pack) checkCDP() error {
	var errs []error
	owner := map[string]string{}
	claim := func(who string, paths ...string) {
		for _, path := range paths {
			switch {
			case !payloadPath.MatchString(path):
				errs = append(errs, fmt.Errorf("%s: cdp path %q is not names joined by dots", who, path))
			case owner[path] != "" && !appends(path):
				errs = append(errs, fmt.Errorf("%s: cdp path %q is already fed by %s", who, path, owner[path]))
			}
			owner[path] = who
		}
	}
	for _, s := range p.Sections {
		for _, f := range s.Fields {
			claim("field "+f.Name, f.CDP...)
			if f.CDPAs != "" && (!slices.Contains(transforms, f.CDPAs) || len(f.CDP) == 0) {
				errs = append(errs, fmt.Errorf("field %s: cdp_as %q: want one of %v, with a cdp path", f.Name, f.CDPAs, transforms))
			}
		}
	}
	for _, d := range p.Documents {
		claim("document "+d.Kind, d.CDP)
		if appends(d.CDP) != (d.DocumentID != "") {
			errs = append(
				errs,
				fmt.Errorf(
					"document %s: a document appended to a list (path ending in []), and only one, names its document_id",
					d.Kind,
				),
			)
		}
	}
	for path := range p.CDPFixed {
		claim("cdp_fixed", path)
	}
	return errors.Join(errs...)
}

func appends(path string) bool { return len(path) > 2 && path[len(path)-2:] == "[]" }
