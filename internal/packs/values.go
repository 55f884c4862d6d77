package packs

import (
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"kycportal/internal/i18n"
	"kycportal/internal/idnumber"
)

// Problem is one thing wrong with a draft, in words for the agent.
type Problem struct {
	Field   string
	Section string
	Message string
}

var (
	namePattern  = regexp.MustCompile(`^[\p{L}\p{M}]+(?:[ '’-]+[\p{L}\p{M}]+)*['’]?$`)
	phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	spaceRuns    = regexp.MustCompile(`\s+`)
)

// Clean turns what was typed into the value to keep: trimmed, NFC, inner spaces folded
// (but in a textarea), numbers normalised. It refuses only what must not be stored: text
// that is too long or holds control characters. Everything else is kept and judged by Invalid.
func (p *Pack) Clean(f *Field, raw string) (string, error) {
	v := norm.NFC.String(strings.TrimSpace(raw))
	if f.Type != TypeTextarea {
		v = spaceRuns.ReplaceAllString(v, " ")
	}
	switch f.Type {
	case TypePhone:
		v = p.international(strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "").Replace(v))
	case TypeIDNumber:
		if n, err := idnumber.Normalise(f.IDKind, v); err == nil {
			v = n
		}
	case TypeBoolean:
		if v != "" {
			v = "yes"
		}
	}
	if n := len([]rune(v)); n > f.MaxLength {
		return "", errors.New(p.say("pack.too_long", "Max", f.MaxLength, "Count", n))
	}
	if strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) {
		return "", errors.New(p.say("pack.control"))
	}
	return v, nil
}

// callingCodes are the country calling codes of the packs' countries: a local number typed
// in a branch of the country ("050 123 4567" in the Emirates) takes its code.
var callingCodes = map[string]string{"AE": "971", "MY": "60", "IN": "91", "PH": "63"}

// international writes a phone number as E.164 where it can tell how: "00" is the
// international prefix, and one leading 0 the national trunk prefix of the pack's country.
// Anything else stays as typed, for Invalid to judge.
func (p *Pack) international(v string) string {
	code := callingCodes[p.Country]
	switch {
	case strings.HasPrefix(v, "00"):
		return "+" + v[2:]
	case strings.HasPrefix(v, "0") && code != "" && len(v) > 1:
		return "+" + code + v[1:]
	}
	return v
}

// Display is a stored value of f as people read it: a list's label rather than its code,
// Yes or No for a question, a date with its month in words; "" stays "" (not given), but
// an unanswered question is No.
func (p *Pack) Display(f *Field, v string) string {
	switch f.Type {
	case TypeBoolean:
		if v == "yes" {
			return p.say("pack.yes")
		}
		return p.say("pack.no")
	case TypeSelect:
		return p.Label(f.List, v)
	case TypeCountry:
		return p.Label(TypeCountry, v)
	case TypeDate:
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return p.tr().Date(d)
		}
	}
	return v
}

// Required reports whether f must have a value, given the draft's other values.
func (p *Pack) Required(f *Field, values map[string]string) bool {
	if f.Required {
		return true
	}
	c := f.RequiredWhen
	return c != nil && slices.Contains(c.In, values[c.Field])
}

// Invalid says what is wrong with a non-empty value of f, or "".
func (p *Pack) Invalid(f *Field, v string, today time.Time) string {
	if v == "" {
		return ""
	}
	switch f.Type {
	case TypeName:
		if !namePattern.MatchString(v) {
			return p.say("pack.name_letters")
		}
	case TypeArabic:
		if !arabicName(v) {
			return p.say("pack.arabic_letters")
		}
	case TypeDate:
		return p.checkDate(f, v, today)
	case TypeSelect, TypeCountry:
		list := f.List
		if f.Type == TypeCountry {
			list = TypeCountry
		}
		if !p.hasOption(list, v) {
			return p.say("pack.choose_listed")
		}
	case TypeEmail:
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v ||
			!strings.Contains(v[strings.LastIndex(v, "@"):], ".") {
			return p.say("pack.email")
		}
	case TypePhone:
		if !phonePattern.MatchString(v) {
			return p.say("pack.phone")
		}
	case TypeInteger:
		if n, err := strconv.Atoi(v); err != nil || n < 0 {
			return p.say("pack.whole_number")
		}
	case TypeIDNumber:
		if _, err := idnumber.Normalise(f.IDKind, v); err != nil {
			return err.Error()
		}
	}
	if f.pattern != nil && !f.pattern.MatchString(v) {
		return f.PatternHint
	}
	return ""
}

func (p *Pack) checkDate(f *Field, v string, today time.Time) string {
	d, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return p.say("pack.date_format")
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if f.Date == "past" && d.After(day) {
		return p.say("pack.date_future")
	}
	if f.Date == "future" && !d.After(day) {
		return p.say("pack.date_expired")
	}
	return ""
}

// Check lists everything still missing or invalid in values, in the order of the form.
func (p *Pack) Check(values map[string]string, today time.Time) []Problem {
	var out []Problem
	for _, s := range p.Sections {
		for i := range s.Fields {
			f := &s.Fields[i]
			v := values[f.Name]
			msg := p.Invalid(f, v, today)
			if v == "" && p.Required(f, values) {
				msg = p.say("pack.required")
			}
			if msg == "" {
				msg = p.nameMismatch(f, values)
			}
			if msg != "" {
				out = append(out, Problem{Field: f.Name, Section: s.Key, Message: msg})
			}
		}
	}
	return out
}

// RequiredDocuments lists the kinds of document a draft with ID type idType must hold.
func (p *Pack) RequiredDocuments(idType string) []string {
	t, _ := p.IDType(idType)
	var out []string
	for _, d := range p.Documents {
		if d.Required == Always || (d.Required == IfIDHasBack && t.HasBack) {
			out = append(out, d.Kind)
		}
	}
	return out
}

// Document returns the pack's entry for kind.
func (p *Pack) Document(kind string) (Document, bool) {
	i := slices.IndexFunc(p.Documents, func(d Document) bool { return d.Kind == kind })
	if i < 0 {
		return Document{}, false
	}
	return p.Documents[i], true
}

// ValidCountry reports whether code is an ISO 3166-1 alpha-2 code of the country list.
func (p *Pack) ValidCountry(code string) bool { return p.hasOption(TypeCountry, code) }

// arabicName reports whether v is words of Arabic letters and marks separated by single
// spaces. The vowel marks (harakat) belong to the Inherited script, not the Arabic one.
func arabicName(v string) bool {
	notArabic := func(r rune) bool {
		letter := unicode.IsLetter(r) && unicode.Is(unicode.Arabic, r)
		mark := unicode.IsMark(r) && (unicode.Is(unicode.Arabic, r) || unicode.Is(unicode.Inherited, r))
		return !letter && !mark
	}
	for _, word := range strings.Split(v, " ") {
		if word == "" || strings.ContainsFunc(word, notArabic) {
			return false
		}
	}
	return true
}

// SplitName splits a full name as on the ID into first, middle and last names the way the
// pack's markers say: the first marker word (BIN, BINTI, A/L, A/P) is the middle name, the
// words before it the first name, those after it the last name; marked tells whether the
// name had one. Without a marker the ID does not say which word is the family name: the
// whole name comes back as the first, unsplit.
func (p *Pack) SplitName(full string) (first, middle, last string, marked bool) {
	words := strings.Fields(full)
	for i, w := range words {
		if slices.ContainsFunc(p.NameMarkers, func(m string) bool { return strings.EqualFold(m, w) }) && i > 0 &&
			i < len(words)-1 {
			return strings.Join(words[:i], " "), w, strings.Join(words[i+1:], " "), true
		}
	}
	return full, "", "", false
}

// nameMismatch says how the full name of f disagrees with its first, middle and last name
// fields (f.NameOf), or "". Case and spacing do not matter. A name with a marker must be
// split the pack's way; one without may give the family name first or last (a Chinese name
// is written surname first on the MyKad), as long as the parts read as on the ID.
func (p *Pack) nameMismatch(f *Field, values map[string]string) string {
	full := values[f.Name]
	if len(f.NameOf) != 3 || full == "" {
		return ""
	}
	got := [3]string{values[f.NameOf[0]], values[f.NameOf[1]], values[f.NameOf[2]]}
	if got == [3]string{} {
		return ""
	}
	first, middle, last, marked := p.SplitName(full)
	if marked && strings.EqualFold(got[0], first) && strings.EqualFold(got[1], middle) && strings.EqualFold(got[2], last) {
		return ""
	}
	if !marked && (sameWords(full, got[0], got[1], got[2]) || sameWords(full, got[2], got[0], got[1])) {
		return ""
	}
	if !marked {
		return p.say("pack.name_words")
	}
	return p.say(
		"pack.name_mismatch",
		"First",
		i18n.Isolate(first),
		"Middle",
		i18n.Isolate(middle),
		"Last",
		i18n.Isolate(last),
	)
}

// sameWords tells whether parts, joined in order, are the words of full, case aside.
func sameWords(full string, parts ...string) bool {
	return strings.EqualFold(
		strings.Join(strings.Fields(full), " "),
		strings.Join(strings.Fields(strings.Join(parts, " ")), " "),
	)
}
