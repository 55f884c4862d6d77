package handlers

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/auth"
	"kycportal/internal/i18n"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/views/pages"
)

// adminUserSave edits an account's profile; the change is audited field by field.
func (s *Server) adminUserSave(c echo.Context) error {
	id, err := userIDParam(c)
	if err != nil {
		return err
	}
	f, reason, err := readUserForm(c)
	if err != nil {
		return err
	}
	f.ID = id
	p := auth.Profile{
		DisplayName: f.DisplayName,
		Role:        f.Role,
		Branch:      f.Branch,
		Countries:   auth.ParseCountries(f.Countries),
	}
	if f.Errors = fieldErrors(reasonError(reason)); len(f.Errors) > 0 {
		return s.renderUser(c, id, pages.UserDetail{Form: f})
	}
	me, _ := userOf(c)
	err = s.accounts.UpdateProfile(c.Request().Context(), me.ID, id, p, reason)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return echo.NewHTTPError(http.StatusNotFound)
	case errors.Is(err, auth.ErrSelf):
		f.Error = err.Error()
	case err != nil:
		if f.Errors = fieldErrors(err); len(f.Errors) == 0 {
			return err
		}
	}
	if f.Error != "" || len(f.Errors) > 0 {
		return s.renderUser(c, id, pages.UserDetail{Form: f})
	}
	return s.renderUser(c, id, pages.UserDetail{Notice: "Profile saved."})
}

// readUserForm reads the profile fields and the reason of an account form.
func readUserForm(c echo.Context) (pages.UserForm, string, error) {
	if err := parseForm(c); err != nil {
		return pages.UserForm{}, "", err
	}
	form := c.Request().PostForm
	f := pages.UserForm{
		DisplayName: strings.TrimSpace(form.Get("display_name")),
		Role:        form.Get("role"),
		Branch:      strings.TrimSpace(form.Get("branch")),
		Countries:   strings.Join(form["countries"], ","),
	}
	return f, strings.TrimSpace(form.Get("reason")), nil
}

// userChoices fills the form's branches (the active ones, and the account's own even if
// disabled since) and the countries of the packs, named in l's language.
func (s *Server) userChoices(ctx context.Context, l *i18n.Lang, f *pages.UserForm) error {
	list, err := s.branches.List(ctx)
	if err != nil {
		return err
	}
	f.Branches, f.CountryChoices = nil, nil
	for _, b := range list {
		if b.Active || b.Code == f.Branch {
			f.Branches = append(f.Branches, pages.Choice{Code: b.Code, Label: b.Code + " · " + i18n.Isolate(b.Name)})
		}
	}
	for _, p := range packs.Default().Countries() {
		f.CountryChoices = append(f.CountryChoices, pages.Choice{Code: p.Country, Label: p.In(l.Code).Name})
	}
	return nil
}

// reasonError asks for the reason every administrative change must carry.
func reasonError(reason string) error {
	switch {
	case reason == "":
		return auth.InvalidError{"reason": "give the reason for this change; it is kept in the audit trail"}
	case len(reason) > 500:
		return auth.InvalidError{"reason": "at most 500 characters"}
	}
	return nil
}

// fieldErrors gathers the per-field refusals among errs.
func fieldErrors(errs ...error) map[string]string {
	out := map[string]string{}
	for _, err := range errs {
		var bad auth.InvalidError
		if errors.As(err, &bad) {
			maps.Copy(out, bad)
		}
	}
	return out
}
