package pages

import (
	"context"

	"kycportal/internal/i18n"
	"kycportal/internal/views"
)

// t is message id of the catalogues in the language of the page being rendered.
func t(ctx context.Context, id string, data ...any) string { return views.LangOf(ctx).T(id, data...) }

// say is a service's English message in the language of the page being rendered.
func say(ctx context.Context, english string) string { return views.LangOf(ctx).Say(english) }

// isolated is s (a name, anything people typed) kept in its own direction inside a
// translated sentence.
func isolated(s string) string { return i18n.Isolate(s) }

// n is the plural message id for count in the language of the page being rendered.
func n(ctx context.Context, id string, count int, data ...any) string {
	return views.LangOf(ctx).N(id, count, data...)
}
