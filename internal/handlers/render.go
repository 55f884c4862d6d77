package handlers

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"kycportal/internal/i18n"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/views"
)

// render writes a component after it rendered in full, so that a failing template
// becomes a clean 500 rather than half a page.
func render(c echo.Context, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(views.WithLang(c.Request().Context(), langOf(c)), &buf); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

// isHTMX tells whether the request wants a fragment: an htmx request that is neither a
// boosted navigation nor a history restore.
func isHTMX(c echo.Context) bool {
	h := c.Request().Header
	return h.Get("HX-Request") == "true" && h.Get("HX-Boosted") == "" && h.Get("HX-History-Restore-Request") == ""
}

// chrome gathers what the layout shows for this request.
func (s *Server) chrome(c echo.Context, title, nav string) views.Chrome {
	ch := views.Chrome{Title: title, Sandbox: s.Sandbox, Nav: nav, Lang: langOf(c), Path: c.Request().URL.Path,
		Posted: c.Request().Method == http.MethodPost}
	if sess := sessionOf(c); sess != nil {
		ch.CSRF = session.CSRFToken(sess)
	}
	if u, ok := userOf(c); ok {
		ch.Viewer = &views.Viewer{DisplayName: u.DisplayName, Username: u.Username, Role: u.Role, Branch: u.Branch}
		if u.Role == store.RoleAdmin {
			ch.Alert = s.cdpAlert(ch.Lang)
		}
	}
	return ch
}

// cdpAlert tells administrators that no CDP call can be made, and what to check.
func (s *Server) cdpAlert(l *i18n.Lang) string {
	if s.CDP == nil {
		return ""
	}
	since := s.CDP.TokenFailingSince()
	if since.IsZero() {
		return ""
	}
	return l.T("alert.cdp_token", "Since", since.UTC().Format("2006-01-02 15:04:05"))
}
