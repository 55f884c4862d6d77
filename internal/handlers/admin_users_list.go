package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminUsersList lists every account.
func (s *Server) adminUsersList(c echo.Context) error {
	users, err := s.accounts.List(c.Request().Context())
	if err != nil {
		return err
	}
	rows := make([]pages.UserRow, len(users))
	for i, u := range users {
		rows[i] = userRow(u)
	}
	return render(c, http.StatusOK, pages.UsersPage(s.chromeT(c, "title.users", "users"), rows))
}

func userRow(u store.User) pages.UserRow {
	return pages.UserRow{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		Branch: u.Branch, Countries: strings.Join(u.Countries, ", "), Active: u.Active,
		SecondFactor: u.TOTPSecret != "", MustChangePW: u.MustChangePassword}
}
