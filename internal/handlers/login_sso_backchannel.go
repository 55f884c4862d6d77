package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/sso"
)

// BackchannelLogoutPath is where the identity provider posts logout tokens, server to server.
const BackchannelLogoutPath = "/login/oidc/backchannel-logout"

// loginSSOBackchannel ends at once the sessions a logout token names, once go-oidc has
// verified its signature, issuer, audience and expiry. Answers follow OpenID Connect
// Back-Channel Logout 1.0: 200 when done, 400 with an error for a token refused.
func (s *Server) loginSSOBackchannel(c echo.Context) error {
	if s.sso == nil {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	raw := c.FormValue("logout_token")
	if raw == "" || len(raw) > 16<<10 {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "invalid_request"})
	}
	l, err := s.sso.VerifyLogoutToken(c.Request().Context(), raw)
	if errors.Is(err, sso.ErrToken) {
		s.Log.Warn("back-channel logout token refused", "error", err.Error(), "request_id", requestIDOf(c))
		return c.JSON(http.StatusBadRequest, map[string]string{"error": "invalid_request"})
	}
	if err != nil {
		return err
	}
	if err := s.sso.EndSessions(c.Request().Context(), l); err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}
