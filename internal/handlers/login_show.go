package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/views/pages"
)

// loginShow shows the sign-in form. It writes nothing: its CSRF token is signed and bound to
// a cookie (login_token.go); signing in makes the session.
func (s *Server) loginShow(c echo.Context) error {
	if _, ok := userOf(c); ok {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	notice := signInNotices[c.QueryParam("why")]
	if id, ok := providerNotices[c.QueryParam("why")]; ok {
		notice = langOf(c).T(id)
	}
	return render(c, http.StatusOK, pages.LoginPage(s.loginChrome(c), s.loginView(pages.Login{Notice: notice})))
}
