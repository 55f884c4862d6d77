package handlers

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"

	"kycportal/internal/session"
	"kycportal/internal/sso"
	"kycportal/internal/views/pages"
)

// providerError is the form of an OAuth error code; anything else is not echoed.
var providerError = regexp.MustCompile(`^[a-z_]{1,40}$`)

// loginSSOCallback is where the identity provider sends the browser back, from a sign-in or
// from a checker's step-up at approval. The pending sign-in is taken out of the session
// first, so a callback replayed later finds none.
func (s *Server) loginSSOCallback(c echo.Context) error {
	if s.sso == nil {
		return echo.ErrNotFound
	}
	sess := sessionOf(c)
	rec := session.RecordOf(sess)
	pending := sso.Pending{State: rec.Pending.SSOState, Nonce: rec.Pending.SSONonce, Verifier: rec.Pending.SSOVerifier}
	stepUpCase, stepUpSince := rec.Pending.StepUpCase, rec.Pending.StepUpSince
	if pending.State != "" {
		rec.Pending = session.Pending{TOTP: rec.Pending.TOTP}
		if err := s.sessions.Save(c.Request(), c.Response(), sess); err != nil {
			return err
		}
	}
	q := c.QueryParams()
	state, code := q.Get("state"), q.Get("code")
	if len(state) > 256 || len(code) > 4096 {
		return refusal(http.StatusBadRequest, "err.signin_long")
	}
	if pending.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(pending.State)) != 1 {
		return s.ssoRefused(c, http.StatusBadRequest, "This sign-in has expired or was already used. Start again.")
	}
	if stepUpCase != "" {
		return s.approvalStepUpDone(c, stepUpCase, stepUpSince, pending)
	}
	if e := q.Get("error"); e != "" {
		if !providerError.MatchString(e) {
			e = "an error"
		}
		return s.ssoRefused(c, http.StatusUnauthorized, "The identity provider did not sign you in ("+e+").")
	}
	in, err := s.sso.Complete(c.Request().Context(), code, pending)
	switch {
	case errors.Is(err, sso.ErrToken):
		return s.ssoRefused(c, http.StatusUnauthorized, "The identity provider's answer could not be verified. Start again.")
	case errors.Is(err, sso.ErrRefused):
		return s.ssoRefused(c, http.StatusForbidden, err.Error())
	case errors.Is(err, sso.ErrProvider):
		return refusal(http.StatusBadGateway, "err.idp_down").SetInternal(err)
	case err != nil:
		return err
	}
	if _, err := s.sessions.LoginSSO(c.Request(), c.Response(), sess, in.User, in.SessionID, in.Grant); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/")
}

// ssoRefused shows the login page with why the sign-in through the provider failed.
func (s *Server) ssoRefused(c echo.Context, status int, why string) error {
	return render(c, status, pages.LoginPage(s.chromeT(c, "login_title", ""), s.loginView(pages.Login{Error: why})))
}
