package pages

import (
	"context"

	"kycportal/internal/views"
)

// t is message id of the catalogues in the language of the page being rendered.
func t(ctx context.Context, id string, data ...any) string { return views.LangOf(ctx).T(id, data...) }

// n is the plural message id for count in the language of the page being rendered.
func n(ctx context.Context, id string, count int, data ...any) string {
	return views.LangOf(ctx).N(id, count, data...)
}
