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
	return render(c, http.StatusOK, pages.LoginPage(s.loginChrome(c), s.loginView(pages.Login{Notice: loginNotice(c)})))
}

// loginNotice says why the viewer is on the login page, in their language, or "".
func loginNotice(c echo.Context) string {
	why := c.QueryParam("why")
	id, ok := providerNotices[why]
	if !ok {
		id, ok = signInNotices[why]
	}
	if !ok {
		return ""
	}
	return langOf(c).T(id)
}
