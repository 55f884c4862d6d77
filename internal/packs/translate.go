package packs

import (
	"fmt"
	"slices"

	"kycportal/internal/i18n"
)

// Translations are a pack's words in the other languages, in the pack itself: by language
// code, the English text (a label, title, help or hint) and its translation. The shared
// country list carries its names the same way, by country code (docs/i18n.md).
type Translations map[string]map[string]string

// In is the pack in language code: its labels, titles, help, hints, lists and messages
// translated. English, or a language the pack does not carry, is the pack itself.
func (p *Pack) In(code string) *Pack {
	if q, ok := p.localized[code]; ok {
		return q
	}
	return p
}

var english = i18n.Pick("en", "")

// tr is the language of the pack's texts and messages.
func (p *Pack) tr() *i18n.Lang {
	if p.lang == nil {
		return english
	}
	return p.lang
}

// say is message id of the catalogues in the pack's language.
func (p *Pack) say(id string, data ...any) string { return p.tr().T(id, data...) }

// Say is message id of the catalogues in the pack's language, for the messages other
// packages give about a draft of the pack.
func (p *Pack) Say(id string, data ...any) string { return p.say(id, data...) }

// texts lists every text of the pack that people read, for translating and checking.
func (p *Pack) texts() []*string {
	out := []*string{&p.Name}
	for i := range p.IDTypes {
		out = append(out, &p.IDTypes[i].Label)
	}
	for i := range p.Documents {
		out = append(out, &p.Documents[i].Label)
	}
	for name, l := range p.Lists {
		if name == TypeCountry {
			continue // the shared list translates itself
		}
		for i := range l.Options {
			out = append(out, &l.Options[i].Label)
		}
	}
	for si := range p.Sections {
		s := &p.Sections[si]
		out = append(out, &s.Title)
		for fi := range s.Fields {
			f := &s.Fields[fi]
			out = append(out, &f.Label)
			if f.Help != "" {
				out = append(out, &f.Help)
			}
			if f.PatternHint != "" {
				out = append(out, &f.PatternHint)
			}
		}
	}
	return out
}

// checkTranslations: every language of the catalogues but English translates every text
// of the pack, and nothing else.
func (p *Pack) checkTranslations() error {
	texts := map[string]bool{}
	for _, s := range p.texts() {
		texts[*s] = true
	}
	for code := range p.Translations {
		if !i18n.Supported(code) || code == "en" {
			return fmt.Errorf("translations: %q is not a language of the catalogues other than English", code)
		}
	}
	for _, l := range i18n.Languages[1:] {
		words, ok := p.Translations[l.Code]
		if !ok {
			return fmt.Errorf("translations: %s is missing", l.Code)
		}
		for s := range texts {
			if words[s] == "" {
				return fmt.Errorf("translations: %s lacks %q", l.Code, s)
			}
		}
		for s := range words {
			if !texts[s] {
				return fmt.Errorf("translations: %s translates %q, not a text of the pack", l.Code, s)
			}
		}
	}
	return nil
}

// checkListTranslations: the shared country list names every country in every language.
func checkListTranslations(l List) error {
	for _, lang := range i18n.Languages[1:] {
		names := l.Translations[lang.Code]
		for _, o := range l.Options {
			if names[o.Code] == "" {
				return fmt.Errorf("translations: %s lacks country %s", lang.Code, o.Code)
			}
		}
	}
	return nil
}

// in is the list with its labels in language code.
func (l List) in(code string) List {
	names := l.Translations[code]
	out := List{Note: l.Note, Options: slices.Clone(l.Options)}
	for i := range out.Options {
		if n := names[out.Options[i].Code]; n != "" {
			out.Options[i].Label = n
		}
	}
	return out
}
