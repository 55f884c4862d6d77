package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/search"
	"kycportal/internal/views/pages"
)

// draftCreate starts a draft from a country, an ID type and an ID number.
func (s *Server) draftCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	in := newDraftInput(c)
	id, err := s.drafts.Create(c.Request().Context(), signedIn(c), in)
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		v := s.newDraftForm(signedIn(c))
		v.Country, v.IDType, v.IDNumber, v.IssuedCountry, v.Errors = in.Country, in.IDType, in.IDNumber, in.IssuedCountry, fe
		return render(c, http.StatusUnprocessableEntity, pages.NewDraftPage(s.chromeT(c, "newdraft.title", "new-draft"), v))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d", id))
}

func newDraftInput(c echo.Context) drafts.NewDraft {
	f := c.Request().PostForm
	return drafts.NewDraft{Country: strings.TrimSpace(f.Get("country")), IDType: strings.TrimSpace(f.Get("id_type")),
		IDNumber: f.Get("id_number"), IssuedCountry: strings.TrimSpace(f.Get("issued_country"))}
}

// draftIDCheck answers the new-draft form as the ID number is typed: whether it is valid
// and, once it is, which other drafts hold the same identity document. It is a POST so
// that the number stays out of URLs and logs.
func (s *Server) draftIDCheck(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	in := newDraftInput(c)
	v := pages.NewDraft{Errors: map[string]string{}}
	u := signedIn(c)
	_, number, issued, err := s.drafts.Identity(u, in)
	var fe drafts.FieldErrors
	switch {
	case errors.As(err, &fe):
		v.Errors = fe
	case err != nil:
		return err
	default:
		doc := search.Document{Country: in.Country, IDType: in.IDType, IssuedCountry: issued, Number: number}
		list, err := s.search.OwnByID(c.Request().Context(), u, doc)
		var limited search.LimitedError
		if errors.As(err, &limited) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
			return echo.NewHTTPError(http.StatusTooManyRequests, "You have checked many ID numbers in a short time. Try again in "+retryIn(limited.RetryAfter)+".")
		}
		if err != nil {
			return err
		}
		v.Checked, v.Reuse = true, reuseItems(list, u.Branch, s.zoneOf(u.Branch))
	}
	return render(c, http.StatusOK, pages.IDCheck(s.chrome(c, "", ""), v))
}
