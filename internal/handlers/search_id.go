package handlers

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/i18n"
	"kycportal/internal/identity"
	"kycportal/internal/search"
	"kycportal/internal/views/pages"
)

// searchByID asks the CDP and our own records about one identity document. It is a POST,
// so the number stays out of URLs, logs and the browser's history.
func (s *Server) searchByID(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	u := signedIn(c)
	in := newDraftInput(c)
	v := s.idSearchForm(c)
	v.Country = in.Country
	v.IDType = in.IDType
	v.IDNumber = in.IDNumber
	v.IssuedCountry = in.IssuedCountry
	v.IDTypes = idTypesOf(v.Countries, in.Country)
	checked, err := identity.Check(s.drafts.Packs, u.Countries, in)
	var fe identity.FieldErrors
	if errors.As(err, &fe) {
		v.Errors = fe // nothing is sent to the CDP
		return s.answerIDSearch(c, http.StatusUnprocessableEntity, v)
	}
	if err != nil {
		return err
	}
	doc := search.Document{
		Country:       in.Country,
		IDType:        in.IDType,
		IssuedCountry: checked.IssuedCountry,
		Number:        checked.Number,
	}
	found, err := s.search.ByID(cdp.WithRequestID(c.Request().Context(), requestIDOf(c)), u, doc)
	var limited search.LimitedError
	if errors.As(err, &limited) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
		v.Result = &pages.IDResult{Outcome: "rate_limited", Wait: retryIn(langOf(c), limited.RetryAfter)}
		return s.answerIDSearch(c, http.StatusTooManyRequests, v)
	}
	if err != nil {
		return err
	}
	v.Result = &pages.IDResult{
		Outcome: found.CDP.Outcome.String(),
		Own:     ownMatches(langOf(c), found.Own, u, s.zoneOf(c.Request().Context(), u.Branch)),
	}
	switch found.CDP.Outcome {
	case cdp.Found:
		v.Result.Customer = customerCard(found.CDP, s.Now())
		v.Result.Customer.CSRF = v.CSRF // "Update this customer" posts it
		scope, err := scopeOf(c)
		if err != nil {
			return err
		}
		if err := s.search.Remember(c.Request().Context(), scope, found.CDP.ECRN, doc); err != nil {
			return err
		}
	case cdp.NotFound:
		v.Result.Onboard = &pages.Onboard{CSRF: v.CSRF, Country: doc.Country, IDType: doc.IDType,
			IDNumber: doc.Number, IssuedCountry: doc.IssuedCountry}
	}
	return s.answerIDSearch(c, http.StatusOK, v)
}

func (s *Server) answerIDSearch(c echo.Context, status int, v *pages.IDSearch) error {
	return s.answerSearch(c, status, pages.Search{ID: v, Records: s.recordsForm(c)}, pages.IDSearchSection(*v))
}

// retryIn says a duration as an agent reads it: whole seconds, or minutes past two.
func retryIn(l *i18n.Lang, d time.Duration) string {
	if d > 2*time.Minute {
		return l.N("err.minutes", int(math.Ceil(d.Minutes())))
	}
	return l.N("err.seconds", int(math.Ceil(d.Seconds())))
}
