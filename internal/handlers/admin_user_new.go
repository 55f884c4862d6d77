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

// adminUserNew shows the form of a new account.
func (s *Server) adminUserNew(c echo.Context) error {
	f := pages.UserForm{Role: store.RoleAgent}
	if err := s.userChoices(c.Request().Context(), langOf(c), &f); err != nil {
		return err
	}
	return render(c, http.StatusOK, pages.NewUserPage(s.chromeT(c, "title.new_account", "users"), f))
}

// adminUserCreate creates an account with a generated password, shown once.
func (s *Server) adminUserCreate(c echo.Context) error {
	f, reason, err := readUserForm(c)
	if err != nil {
		return err
	}
	f.Username = strings.ToLower(strings.TrimSpace(c.Request().PostForm.Get("username")))
	n := auth.NewUser{Username: f.Username, DisplayName: f.DisplayName, Role: f.Role, Branch: f.Branch,
		Countries: auth.ParseCountries(f.Countries), MustChangePassword: true}
	password := auth.GeneratePassword()
	var u store.User
	if f.Errors = fieldErrors(reasonError(reason), n.Validate()); len(f.Errors) == 0 {
		u, err = s.accounts.CreateUser(c.Request().Context(), n, password, reason)
	}
	switch {
	case errors.Is(err, store.ErrConflict):
		f.Errors = map[string]string{"username": "this username is taken"}
	case err != nil:
		if f.Errors = fieldErrors(err); len(f.Errors) == 0 {
			return err
		}
	}
	if len(f.Errors) > 0 {
		if err := s.userChoices(c.Request().Context(), langOf(c), &f); err != nil {
			return err
		}
		return render(c, http.StatusUnprocessableEntity, pages.NewUserPage(s.chromeT(c, "title.new_account", "users"), f))
	}
	return s.renderUser(c, u.ID, pages.UserDetail{Password: password, Notice: "Account created."})
}
