package handlers

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/identity"
	"kycportal/internal/outcomes"
	"kycportal/internal/search"
	"kycportal/internal/views/pages"
)

// draftCreate starts a draft from a country, an ID type and an ID number, after asking the
// CDP about the ID: a blocked customer, one whose subscription is pending and one under
// investigation get no draft, with the reason in plain words; when the CDP cannot answer,
// the draft starts with a warning that the lookup is repeated at send time (docs/drafts.md).
func (s *Server) draftCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	u, in := signedIn(c), newDraftInput(c)
	ctx := c.Request().Context()
	checked, err := identity.Check(s.drafts.Packs, u.Countries, in)
	if err != nil {
		return s.refuseNewDraft(c, in, err)
	}
	found, err := s.search.ByID(cdp.WithRequestID(ctx, requestIDOf(c)), u,
		search.Document{Country: in.Country, IDType: in.IDType, IssuedCountry: checked.IssuedCountry, Number: checked.Number})
	var limited search.LimitedError
	if errors.As(err, &limited) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
		return refusal(http.StatusTooManyRequests, "err.lookups", "Wait", retryIn(langOf(c), limited.RetryAfter))
	}
	if err != nil {
		return err
	}
	switch found.CDP.Outcome {
	case cdp.Blocked, cdp.SubscriptionPending, cdp.UnderInvestigation:
		o := outcomes.OfResult("lookup", found.CDP).In(langOf(c))
		return s.refuseNewDraft(c, in, drafts.FieldErrors{"id_number": o.Title + ". " + o.Meaning + " " + o.Next})
	}
	id, err := s.drafts.Create(ctx, u, in)
	if err != nil {
		return s.refuseNewDraft(c, in, err)
	}
	where := fmt.Sprintf("/drafts/%d", id)
	if found.CDP.Outcome == cdp.Unavailable || found.CDP.Outcome == cdp.CDPError || found.CDP.Outcome == cdp.AuthFailed {
		where += "?lookup=unavailable"
	}
	return c.Redirect(http.StatusSeeOther, where)
}

// refuseNewDraft shows the new-draft form again with err's messages on their fields.
func (s *Server) refuseNewDraft(c echo.Context, in drafts.NewDraft, err error) error {
	var fe drafts.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	v := s.newDraftForm(langOf(c), signedIn(c))
	v.Country = in.Country
	v.IDType = in.IDType
	v.IDNumber = in.IDNumber
	v.IssuedCountry = in.IssuedCountry
	v.Errors = fe
	return render(c, http.StatusUnprocessableEntity, pages.NewDraftPage(s.chromeT(c, "newdraft.title", "new-draft"), v))
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
	checked, err := identity.Check(s.drafts.Packs, u.Countries, in)
	var fe identity.FieldErrors
	switch {
	case errors.As(err, &fe):
		v.Errors = fe
	case err != nil:
		return err
	default:
		doc := search.Document{
			Country:       in.Country,
			IDType:        in.IDType,
			IssuedCountry: checked.IssuedCountry,
			Number:        checked.Number,
		}
		list, err := s.search.OwnByID(c.Request().Context(), u, doc)
		var limited search.LimitedError
		if errors.As(err, &limited) {
			c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
			return refusal(http.StatusTooManyRequests, "err.checks", "Wait", retryIn(langOf(c), limited.RetryAfter))
		}
		if err != nil {
			return err
		}
		v.Checked, v.Reuse = true, reuseItems(langOf(c), list, u.Branch, s.zoneOf(c.Request().Context(), u.Branch))
	}
	return render(c, http.StatusOK, pages.IDCheck(s.chrome(c, "", ""), v))
}
