package views

import (
	"context"

	"kycportal/internal/i18n"
)

type langKey struct{}

// WithLang is ctx carrying the language its pages render in: components that take no
// Chrome (fragments, fields) read it from there.
func WithLang(ctx context.Context, l *i18n.Lang) context.Context {
	return context.WithValue(ctx, langKey{}, l)
}

// LangOf is the language ctx carries, English when none.
func LangOf(ctx context.Context) *i18n.Lang {
	if l, ok := ctx.Value(langKey{}).(*i18n.Lang); ok && l != nil {
		return l
	}
	return i18n.Pick("en", "")
}
