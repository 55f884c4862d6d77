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
	ch := s.loginChrome(c)
	l := pages.Login{}
	if id, ok := signInNotices[c.QueryParam("why")]; ok {
		l.Notice = ch.T(id)
	}
	return render(c, http.StatusOK, pages.LoginPage(ch, s.loginView(l)))
}
