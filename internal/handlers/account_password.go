package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/auth"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// accountPasswordShow is where users change their own password, and where a password set
// by an administrator must be changed before anything else.
func (s *Server) accountPasswordShow(c echo.Context) error {
	u, _ := userOf(c)
	return render(
		c,
		http.StatusOK,
		pages.AccountPasswordPage(s.chromeT(c, "title.password", ""), u.MustChangePassword, ""),
	)
}

// accountPasswordChange checks the current password and the policy, then saves the new one;
// the user's other sessions end, and this one is renewed.
func (s *Server) accountPasswordChange(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	u, _ := userOf(c)
	form := c.Request().PostForm
	sess := sessionOf(c)
	err := s.login.ChangePassword(
		c.Request().Context(),
		u,
		session.Ref(sess),
		form.Get("current_password"),
		form.Get("new_password"),
	)
	var policy auth.PolicyError
	var locked auth.LockedError
	switch {
	case errors.Is(err, auth.ErrBadCredentials):
		return s.passwordRefused(c, u, http.StatusUnprocessableEntity, "the current password is not right")
	case errors.As(err, &policy):
		return s.passwordRefused(c, u, http.StatusUnprocessableEntity, err.Error())
	case errors.As(err, &locked):
		c.Response().Header().Set("Retry-After", retryAfter(locked, s.Now()))
		return s.passwordRefused(c, u, http.StatusTooManyRequests, err.Error())
	case err != nil:
		return err
	}
	if _, err := s.sessions.Renew(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

func (s *Server) passwordRefused(c echo.Context, u store.User, status int, why string) error {
	return render(c, status, pages.AccountPasswordPage(s.chromeT(c, "title.password", ""), u.MustChangePassword, why))
}
