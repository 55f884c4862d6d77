package views_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"kycportal/internal/views"
	"kycportal/internal/views/pages"
)

// User data is escaped wherever the layout shows it.
func TestLayoutEscapesUserData(t *testing.T) {
	t.Parallel()
	hostile := `<script>alert(1)</script>" onmouseover="x`
	c := views.Chrome{
		Title:  hostile,
		CSRF:   "tok",
		Viewer: &views.Viewer{DisplayName: hostile, Role: "agent", Branch: hostile},
	}
	var b strings.Builder
	if err := pages.HomePage(c).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if strings.Contains(html, "<script>alert") || strings.Contains(html, `" onmouseover="x`) {
		t.Fatalf("user data rendered unescaped:\n%s", html)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find(`[data-testid="current-user"]`).Text(); got != hostile {
		t.Errorf("current-user = %q, want the name as text", got)
	}
	// Scripts that run: htmx and portal.js, from /static; the page's words are data, never run.
	running := doc.Find(`script:not([type="application/json"])`)
	if running.Length() != 2 || doc.Find(`script[src^="/static/"]`).Length() != 2 ||
		doc.Find(`script#portal-words`).Length() != 1 {
		t.Errorf("scripts = %d, want htmx and portal.js, both from /static, and the words as JSON", running.Length())
	}
}

func TestLayoutByAudience(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		chrome        views.Chrome
		logout, badge bool
	}{
		{"anonymous", views.Chrome{Title: "Sign in"}, false, false},
		{
			"agent on the sandbox",
			views.Chrome{Title: "Home", Sandbox: true, Viewer: &views.Viewer{DisplayName: "A", Role: "agent"}},
			true,
			true,
		},
	}
	for _, tc := range cases {
		var b strings.Builder
		if err := pages.ErrorPage(tc.chrome, pages.Problem{Status: 404, Title: "Not found", RequestID: "rid"}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		doc, _ := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
		if got := doc.Find(`[data-testid="logout"]`).Length() == 1; got != tc.logout {
			t.Errorf("%s: logout button shown = %v", tc.name, got)
		}
		if got := doc.Find(`[data-testid="sandbox-banner"]`).Length() == 1; got != tc.badge {
			t.Errorf("%s: sandbox banner shown = %v", tc.name, got)
		}
		if doc.Find(`html[lang="en"]`).Length() != 1 || doc.Find(`[data-testid="request-id"]`).Text() != "rid" {
			t.Errorf("%s: page lacks lang or the request id", tc.name)
		}
	}
}
