package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/i18n"
	"kycportal/internal/views"
)

// langOf is the request's language: the signed-in user's choice, else the browser's
// Accept-Language, else English.
func langOf(c echo.Context) *i18n.Lang {
	u, _ := userOf(c)
	return i18n.Pick(u.Language, c.Request().Header.Get("Accept-Language"))
}

// chromeT is chrome with a title from the catalogues (titleID), for pages whose strings all
// come from them.
func (s *Server) chromeT(c echo.Context, titleID, nav string) views.Chrome {
	return s.chrome(c, langOf(c).T(titleID), nav)
}

// accountLanguage saves the language chosen in the header and goes back to the page.
func (s *Server) accountLanguage(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	lang, back := form.Get("lang"), form.Get("back")
	if !i18n.Supported(lang) {
		return refusal(http.StatusBadRequest, "err.language")
	}
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") ||
		len(back) > 200 {
		back = "/"
	}
	if err := s.accounts.SetLanguage(c.Request().Context(), signedIn(c), lang); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, back)
}
