package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/auth"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// userAction is an administrative action on one account. It returns the notice to show and,
// for a password reset, the new password to show once.
type userAction func(c echo.Context, actorID, id int64, reason string) (notice, password string, err error)

// adminUserAction runs act with the posted reason and shows the account page again. Every
// action is audited with that reason by the auth package.
func (s *Server) adminUserAction(act userAction) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := userIDParam(c)
		if err != nil {
			return err
		}
		if err := parseForm(c); err != nil {
			return err
		}
		reason := strings.TrimSpace(c.Request().PostForm.Get("reason"))
		if err := reasonError(reason); err != nil {
			return s.renderUser(c, id, pages.UserDetail{Form: pages.UserForm{Error: err.Error()}})
		}
		me, _ := userOf(c)
		notice, password, err := act(c, me.ID, id, reason)
		switch {
		case errors.Is(err, store.ErrNotFound):
			return echo.NewHTTPError(http.StatusNotFound)
		case errors.Is(err, auth.ErrSelf):
			return s.renderUser(c, id, pages.UserDetail{Form: pages.UserForm{Error: err.Error()}})
		case err != nil:
			return err
		}
		return s.renderUser(c, id, pages.UserDetail{Notice: notice, Password: password})
	}
}

func (s *Server) disableUser(c echo.Context, actorID, id int64, reason string) (notice, password string, err error) {
	return "Account disabled; its sessions have ended.", "", s.accounts.SetActiveByID(
		c.Request().Context(),
		actorID,
		id,
		false,
		reason,
	)
}

func (s *Server) enableUser(c echo.Context, actorID, id int64, reason string) (notice, password string, err error) {
	return "Account enabled.", "", s.accounts.SetActiveByID(c.Request().Context(), actorID, id, true, reason)
}

func (s *Server) resetPassword(c echo.Context, _, id int64, reason string) (notice, password string, err error) {
	password, err = s.accounts.ResetPassword(c.Request().Context(), id, reason)
	return "Password reset; the account's sessions have ended.", password, err
}

func (s *Server) unlockUser(c echo.Context, _, id int64, reason string) (notice, password string, err error) {
	return "Sign-in unlocked: the account's failed attempts are forgotten.", "", s.accounts.UnlockByID(
		c.Request().Context(),
		id,
		reason,
	)
}

func (s *Server) resetTOTP(c echo.Context, _, id int64, reason string) (notice, password string, err error) {
	return "Second factor removed; enrol a new one with portal user totp.", "", s.accounts.ResetTOTP(
		c.Request().Context(),
		id,
		reason,
	)
}

func (s *Server) endSession(c echo.Context, _, id int64, reason string) (notice, password string, err error) {
	return "Session ended.", "", s.accounts.EndSession(c.Request().Context(), id, c.Param("ref"), reason)
}
