package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/auth"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// accountTOTPShow offers a new second factor (its QR code and key), or says one is set.
func (s *Server) accountTOTPShow(c echo.Context) error {
	u, _ := userOf(c)
	view, err := s.totpView(c, u)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.AccountTOTPPage(s.chromeT(c, "header_second_factor", ""), view))
}

// totpView is the page's state for u, keeping a new pending secret in the session if needed.
func (s *Server) totpView(c echo.Context, u store.User) (pages.AccountTOTP, error) {
	view := pages.AccountTOTP{Enrolled: u.TOTPSecret != "", Required: s.login.NeedsTOTP(u)}
	if view.Enrolled {
		return view, nil
	}
	secret, err := s.pendingTOTP(c, u)
	if errors.Is(err, auth.ErrNoSecretsKey) {
		view.Unavailable = true
		return view, nil
	}
	view.Secret = secret
	return view, err
}

// pendingTOTP is the secret being enrolled, made and kept in the session on first sight.
func (s *Server) pendingTOTP(c echo.Context, u store.User) (string, error) {
	sess := sessionOf(c)
	rec := session.RecordOf(sess)
	if sealed := rec.Pending.TOTP; sealed != "" {
		return s.login.Secrets.Open(u.ID, sealed)
	}
	key, err := auth.NewTOTPKey(u.Username)
	if err != nil {
		return "", err
	}
	sealed, err := s.login.Secrets.Seal(u.ID, key.Secret())
	if err != nil {
		return "", err
	}
	rec.Pending.TOTP = sealed
	return key.Secret(), s.sessions.Save(c.Request(), c.Response(), sess)
}

// accountTOTPQR draws the pending secret's QR code (server-side: no script, no other site).
func (s *Server) accountTOTPQR(c echo.Context) error {
	u, _ := userOf(c)
	sealed := session.RecordOf(sessionOf(c)).Pending.TOTP
	if sealed == "" || u.TOTPSecret != "" {
		return echo.ErrNotFound
	}
	secret, err := s.login.Secrets.Open(u.ID, sealed)
	if err != nil {
		return err
	}
	key, err := auth.TOTPKey(u.Username, secret)
	if err != nil {
		return err
	}
	png, err := auth.QRCode(key)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "image/png", png)
}

// accountTOTPConfirm saves the pending secret once the posted code matches it, and shows the
// recovery codes once.
func (s *Server) accountTOTPConfirm(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	u, _ := userOf(c)
	if u.TOTPSecret != "" {
		return c.Redirect(http.StatusSeeOther, "/account/totp")
	}
	code := strings.TrimSpace(c.Request().PostForm.Get("code"))
	if len(code) > 10 {
		return refusal(http.StatusBadRequest, "err.code_long")
	}
	view, err := s.totpView(c, u)
	if err != nil {
		return err
	}
	if view.Unavailable {
		return render(c, http.StatusServiceUnavailable, pages.AccountTOTPPage(s.chromeT(c, "header_second_factor", ""), view))
	}
	codes, err := s.login.ConfirmTOTP(c.Request().Context(), u, view.Secret, code)
	if errors.Is(err, auth.ErrWrongCode) {
		view.Problem = langOf(c).T("totp.wrong_code")
		return render(
			c,
			http.StatusUnprocessableEntity,
			pages.AccountTOTPPage(s.chromeT(c, "header_second_factor", ""), view),
		)
	}
	if err != nil {
		return err
	}
	sess := sessionOf(c)
	session.RecordOf(sess).Pending.TOTP = ""
	if err := s.sessions.Save(c.Request(), c.Response(), sess); err != nil {
		return err
	}
	return render(
		c,
		http.StatusOK,
		pages.AccountTOTPPage(s.chromeT(c, "header_second_factor", ""), pages.AccountTOTP{Codes: codes}),
	)
}

// totpFirst holds a supervisor or admin who signed in with a password but has no second
// factor, while PORTAL_REQUIRE_TOTP asks for one, on the enrolment page; only it and logout
// stay open. With single sign-on the provider's own factor counts.
func (s *Server) totpFirst(u store.User, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !s.login.NeedsTOTP(u) || session.SignedInWithSSO(sessionOf(c)) ||
			strings.HasPrefix(c.Path(), "/account/totp") || c.Path() == "/logout" {
			return next(c)
		}
		return holdOn(c, "/account/totp")
	}
}
