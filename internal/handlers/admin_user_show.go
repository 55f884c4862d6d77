package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminUserShow is an account's page: profile form, actions and active sessions.
func (s *Server) adminUserShow(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	return s.renderUser(c, id, pages.UserDetail{})
}

// renderUser shows the account page with what d already holds (a notice, a refusal, a new
// password or the form as posted).
func (s *Server) renderUser(c echo.Context, id int64, d pages.UserDetail) error {
	ctx := c.Request().Context()
	u, err := s.accounts.ByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	sessions, err := s.accounts.Sessions(ctx, id)
	if err != nil {
		return err
	}
	d.Row = userRow(u)
	if d.Form.ID == 0 { // no profile was posted: show the stored one, with any refusal
		d.Form = pages.UserForm{ID: u.ID, DisplayName: u.DisplayName, Role: u.Role, Branch: u.Branch,
			Countries: strings.Join(u.Countries, ","), Error: d.Form.Error, Errors: d.Form.Errors}
	}
	if err := s.userChoices(ctx, langOf(c), &d.Form); err != nil {
		return err
	}
	for _, ss := range sessions {
		d.Sessions = append(d.Sessions, pages.SessionRow{Ref: ss.Ref, ClientIP: ss.ClientIP,
			Created: ss.CreatedAt.UTC().Format("2006-01-02 15:04"), LastSeen: ss.LastSeenAt.UTC().Format("2006-01-02 15:04")})
	}
	status := http.StatusOK
	if d.Form.Error != "" || len(d.Form.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, pages.UserPage(s.chrome(c, u.Username, "users"), d))
}

func userIDParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusNotFound)
	}
	return id, nil
}
