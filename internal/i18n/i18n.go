// Package i18n holds the message catalogues (English, Arabic, Malay: locales/*.toml, read by
// github.com/nicksnyder/go-i18n with CLDR plural rules) and picks a user's language: their
// saved choice, else the browser's Accept-Language, else English (docs/i18n.md).
package i18n

import (
	"embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed locales/*.toml
var files embed.FS

// Languages are the supported languages, English first (the fallback), with their own names.
var Languages = []Option{{"en", "English"}, {"ar", "العربية"}, {"ms", "Bahasa Melayu"}}

// Option is a language the switcher offers.
type Option struct{ Code, Name string }

var (
	bundle  = load()
	matcher = language.NewMatcher([]language.Tag{language.English, language.Arabic, language.Malay})
)

func load() *goi18n.Bundle {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, l := range Languages {
		if _, err := b.LoadMessageFileFS(files, "locales/"+l.Code+".toml"); err != nil {
			panic(fmt.Sprintf("i18n: catalogue %s: %v", l.Code, err))
		}
	}
	return b
}

// Lang is one language, ready to translate.
type Lang struct {
	Code string // en, ar or ms: the page's lang attribute
	loc  *goi18n.Localizer
	num  *message.Printer
}

// Pick is the language of a user's saved choice (a code, or ""), else the best match of
// the browser's Accept-Language header, else English.
func Pick(choice, acceptLanguage string) *Lang {
	code := "en"
	if Supported(choice) {
		code = choice
	} else if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(tags) > 0 {
		_, i, conf := matcher.Match(tags...)
		if conf != language.No {
			code = Languages[i].Code
		}
	}
	return langs[code]
}

// langs are the languages, each made once: a Lang is only read, and making one parsed its
// tags again on every page and every notice (docs/performance.md).
var langs = func() map[string]*Lang {
	out := map[string]*Lang{}
	for _, l := range Languages {
		out[l.Code] = &Lang{Code: l.Code, loc: goi18n.NewLocalizer(bundle, l.Code),
			// Latin digits: ID and phone numbers are read in them at UAE and Malaysian branches.
			num: message.NewPrinter(language.MustParse(l.Code + "-u-nu-latn"))}
	}
	return out
}()

// Supported tells whether code names a language of the catalogues.
func Supported(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// Dir is the page's writing direction: rtl for Arabic.
func (l *Lang) Dir() string {
	if l.Code == "ar" {
		return "rtl"
	}
	return "ltr"
}

// T is the message id, filled with data (key, value, key, value…). An id missing from every
// catalogue shows as itself, marked, so that a test or a reviewer sees it.
func (l *Lang) T(id string, data ...any) string {
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: pairs(data)})
}

// N is the message id in the plural form that count takes in this language, with .Count set.
func (l *Lang) N(id string, count int, data ...any) string {
	d := pairs(data)
	d["Count"] = l.Number(count)
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count, TemplateData: d})
}

func (l *Lang) localize(c *goi18n.LocalizeConfig) string {
	s, err := l.loc.Localize(c)
	if err != nil {
		return "⟦" + c.MessageID + "⟧"
	}
	return s
}

func pairs(data []any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(data); i += 2 {
		m[fmt.Sprint(data[i])] = data[i+1]
	}
	return m
}

// Number writes n with the language's grouping, in Latin digits.
func (l *Lang) Number(n int) string { return l.num.Sprint(n) }

// DateTime writes t (in UTC) in the language's words, Gregorian calendar: "2 March 2026, 14:05".
func (l *Lang) DateTime(t time.Time) string {
	t = t.UTC()
	return l.T("format.datetime", "Day", strconv.Itoa(t.Day()), "Month", l.T("month."+strconv.Itoa(int(t.Month()))),
		"Year", strconv.Itoa(t.Year()), "Time", t.Format("15:04"))
}

// Date writes a day in the language's words, Gregorian calendar: "2 March 2026".
func (l *Lang) Date(t time.Time) string {
	return l.T("format.date", "Day", strconv.Itoa(t.Day()), "Month", l.T("month."+strconv.Itoa(int(t.Month()))),
		"Year", strconv.Itoa(t.Year()))
}

// Stamp writes t in its own zone, named: "2 March 2026, 14:05 +04".
func (l *Lang) Stamp(t time.Time) string {
	return l.T("format.datetime", "Day", strconv.Itoa(t.Day()), "Month", l.T("month."+strconv.Itoa(int(t.Month()))),
		"Year", strconv.Itoa(t.Year()), "Time", t.Format("15:04 MST"))
}

// Isolate marks s (a name, a code, anything typed by people) as a unit of its own direction
// inside a translated sentence: FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, the plain-text
// <bdi>, so that a Latin name does not scramble an Arabic sentence, nor the reverse.
func Isolate(s string) string { return "\u2068" + s + "\u2069" }

// Services write the messages people read (refusals, field errors, warnings) in English, the
// source language, as gettext does: the [svc] table of the catalogues holds each one as its
// English text, placeholders where the service formats a value in. Say finds an English
// message there and gives it in the language.
var services = loadServices()

type serviceMessage struct {
	id    string
	match *regexp.Regexp // the English text, its placeholders captured
	names []string       // the placeholders, in order
}

func loadServices() []serviceMessage {
	b, err := files.ReadFile("locales/en.toml")
	if err != nil {
		panic(err)
	}
	var doc struct{ Svc map[string]string }
	if err := toml.Unmarshal(b, &doc); err != nil {
		panic(fmt.Sprintf("i18n: catalogue en: %v", err))
	}
	var out []serviceMessage
	for key, text := range doc.Svc {
		m := serviceMessage{id: "svc." + key}
		pattern := regexp.QuoteMeta(text)
		for _, p := range placeholder.FindAllStringSubmatch(text, -1) {
			m.names = append(m.names, p[1])
			pattern = strings.Replace(pattern, regexp.QuoteMeta(p[0]), "(.+?)", 1)
		}
		m.match = regexp.MustCompile("^" + pattern + "$")
		out = append(out, m)
	}
	// The most literal text first: "{{.Label}}: enter the number" before "{{.Label}}: {{.Reason}}".
	slices.SortFunc(out, func(a, b serviceMessage) int {
		return len(
			placeholder.ReplaceAllString(b.match.String(), ""),
		) - len(
			placeholder.ReplaceAllString(a.match.String(), ""),
		)
	})
	return out
}

var placeholder = regexp.MustCompile(`\{\{\.(\w+)\}\}`)

// Say is english, a service's message, in the language; a message the catalogues do not hold
// stays as it is (TestEveryPageSpeaksTheChosenLanguage finds it).
func (l *Lang) Say(english string) string {
	if l.Code == "en" || english == "" {
		return english
	}
	if counts, ok := l.sayCounts(english); ok {
		return counts
	}
	for _, m := range services {
		if got := m.match.FindStringSubmatch(english); got != nil {
			var data []any
			for i, name := range m.names {
				data = append(data, name, l.Say(got[i+1])) // a value may be a message of its own ("Emirates ID")
			}
			return l.T(m.id, data...)
		}
	}
	return english
}

// typedCount is one count of a service's description of what was typed: "14 digits".
var typedCount = regexp.MustCompile(`^(\d+) (digit|letter|other character)s?$`)

// typedKinds names the catalogue's plural message ([typed.*]) of each counted kind.
var typedKinds = map[string]string{"digit": "typed.digit", "letter": "typed.letter", "other character": "typed.other"}

// sayCounts gives a list of counts ("14 digits, 2 letters and 1 other character") in the
// language, each count in its plural form; ok is false for any other text.
func (l *Lang) sayCounts(english string) (string, bool) {
	items, last := strings.Split(english, ", "), ""
	if head, tail, found := strings.Cut(english, " and "); found {
		items, last = strings.Split(head, ", "), tail
	}
	var said []string
	for _, item := range append(items, last) {
		if item == "" && len(said) == len(items) {
			break // no " and ": the list ends with its commas' last item
		}
		m := typedCount.FindStringSubmatch(item)
		if m == nil {
			return "", false
		}
		n, err := strconv.Atoi(m[1])
		if err != nil {
			return "", false
		}
		said = append(said, l.N(typedKinds[m[2]], n))
	}
	out := said[0]
	for i, s := range said[1:] {
		join := "typed.comma"
		if last != "" && i == len(said)-2 {
			join = "typed.and"
		}
		out = l.T(join, "A", out, "B", s)
	}
	return out, true
}
