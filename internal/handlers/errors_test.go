package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"kycportal/internal/app"
	"kycportal/internal/store"
)

func TestPanicBecomesA500WithRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.echo.GET("/boom", func(echo.Context) error { panic("secret internal detail") })
	c := e.client()
	resp := c.do(http.MethodGet, "/boom", nil)
	body := readBody(t, resp)
	id := resp.Header.Get("X-Request-ID")
	if resp.StatusCode != 500 || id == "" || !strings.Contains(body, id) {
		t.Fatalf("status %d, request id %q shown: %v", resp.StatusCode, id, strings.Contains(body, id))
	}
	if strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") {
		t.Error("the 500 page shows internals")
	}
	if !strings.Contains(e.logs.String(), "secret internal detail") {
		t.Error("the panic was not logged")
	}
	resp = c.do(http.MethodGet, "/boom", nil, "HX-Request", "true")
	body = readBody(t, resp)
	if resp.StatusCode != 500 || !strings.Contains(body, `data-testid="error-fragment"`) ||
		strings.Contains(body, "<html") {
		t.Errorf("htmx 500: status %d, want a fragment", resp.StatusCode)
	}
}

func TestErrorPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	resp := c.do(http.MethodGet, "/no/such/page", nil)
	if body := readBody(t, resp); resp.StatusCode != 404 || !strings.Contains(body, `data-testid="error-page"`) {
		t.Errorf("404: status %d", resp.StatusCode)
	}
	c.page("/login")
	big := url.Values{"username": {strings.Repeat("a", 100<<10)}, "password": {"x"}}
	resp = c.post("/login", big)
	if body := readBody(t, resp); resp.StatusCode != 413 || !strings.Contains(body, "Too large") {
		t.Errorf("oversized form: status %d, want 413", resp.StatusCode)
	}
}

func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, _ := e.user(store.RoleAdmin)
	c := e.client()
	c.signIn(name)
	for _, row := range readMatrix(t) {
		if row.method != http.MethodGet {
			continue
		}
		resp := c.do(http.MethodGet, row.request, nil)
		resp.Body.Close()
		h := resp.Header
		for header, want := range map[string]string{
			"Content-Security-Policy": "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
		} {
			if !strings.Contains(h.Get(header), want) {
				t.Errorf("%s: %s = %q, want %q", row.request, header, h.Get(header), want)
			}
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS sent over plain HTTP", row.request)
		}
		private := row.want["admin"] == 200 && row.want["anonymous"] != 200
		if private && (h.Get("Cache-Control") != "no-store" || !strings.Contains(h.Get("Vary"), "HX-Request")) {
			t.Errorf(
				"%s: Cache-Control %q, Vary %q on an authenticated page",
				row.request,
				h.Get("Cache-Control"),
				h.Get("Vary"),
			)
		}
	}
}

func TestHSTSOverTLS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(_ *app.Options, d *Deps) { d.TLS = true })
	resp := e.client().do(http.MethodGet, "/healthz", nil)
	resp.Body.Close()
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=31536000") ||
		!strings.Contains(got, "includeSubDomains") {
		t.Errorf("HSTS = %q", got)
	}
}

func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name, pw := e.user(store.RoleAgent)
	c := e.client()
	c.signIn(name)
	c.do(http.MethodGet, "/?q=784199012345676", nil).Body.Close()
	logs := e.logs.await(`"route":"/"`)
	for _, secret := range []string{pw, c.cookie, c.csrf, "784199012345676"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	if !strings.Contains(logs, `"route":"/"`) {
		t.Error("requests are not logged by route")
	}
}
