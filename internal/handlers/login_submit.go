package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/auth"
	"kycportal/internal/views/pages"
)

// loginSubmit checks the posted credentials and starts a new session.
func (s *Server) loginSubmit(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	form := c.Request().PostForm
	attempt := auth.Attempt{
		Username: strings.ToLower(strings.TrimSpace(form.Get("username"))),
		Password: form.Get("password"),
		OTP:      strings.TrimSpace(form.Get("otp")),
		ClientIP: c.RealIP(),
	}
	if len(attempt.Username) > 64 || len(attempt.Password) > auth.MaxPasswordLength*4 || len(attempt.OTP) > 24 {
		return refusal(http.StatusBadRequest, "err.login_long")
	}
	user, err := s.login.Login(c.Request().Context(), attempt)
	if err != nil {
		return s.loginRefused(c, attempt, err)
	}
	if _, err := s.sessions.Login(c.Request(), c.Response(), sessionOf(c), user); err != nil {
		return err
	}
	endLoginCookie(c)
	return c.Redirect(http.StatusSeeOther, "/")
}

// retryAfter is the Retry-After of a lock: whole seconds, at least one.
func retryAfter(locked auth.LockedError, now time.Time) string {
	return strconv.Itoa(max(int(math.Ceil(locked.Until.Sub(now).Seconds())), 1))
}

// loginRefused shows the form again with the reason, keeping the username typed.
func (s *Server) loginRefused(c echo.Context, a auth.Attempt, err error) error {
	lang := langOf(c)
	view := pages.Login{Username: a.Username}
	status := http.StatusUnauthorized
	var locked auth.LockedError
	switch {
	case errors.Is(err, auth.ErrOTPNeeded):
		view.AskOTP, status = true, http.StatusOK
	case errors.As(err, &locked):
		status = http.StatusTooManyRequests
		c.Response().Header().Set("Retry-After", retryAfter(locked, s.Now()))
		view.Error = lang.T("login_locked", "Time", locked.Until.UTC().Format("15:04:05"))
	case errors.Is(err, auth.ErrBadCredentials):
		view.Error = lang.T("login_bad_credentials")
	case errors.Is(err, auth.ErrPasswordsOff):
		view.Error = lang.T("login_passwords_off")
	default:
		return err
	}
	return render(c, status, pages.LoginPage(s.loginChrome(c), s.loginView(view)))
}
