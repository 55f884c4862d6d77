package handlers

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/submission"
)

// customerUpdate starts an update case of a customer this session found: a draft in the
// pack of the customer's country, prefilled from the CDP's record, then opens it. An open
// update case of the customer is opened instead of a second one.
func (s *Server) customerUpdate(c echo.Context) error {
	ecrn, doc, err := s.foundParam(c)
	if err != nil {
		return err
	}
	ctx := cdp.WithRequestID(c.Request().Context(), requestIDOf(c))
	res, err := s.search.Customer(ctx, ecrn, doc)
	if err != nil {
		return err
	}
	if res.Outcome != cdp.Found {
		return refusal(http.StatusConflict, "err.cdp_no_record", "Outcome", res.Outcome.String())
	}
	id, err := s.drafts.StartUpdate(ctx, signedIn(c), drafts.NewDraft{Country: doc.Country, IDType: doc.IDType,
		IDNumber: doc.Number, IssuedCountry: doc.IssuedCountry}, ecrn, submission.RecordFields(res.Customer))
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		return refusal(
			http.StatusUnprocessableEntity,
			"err.cannot_update",
			"Why",
			strings.Join(slices.Sorted(maps.Values(fe)), " "),
		)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/drafts/"+strconv.FormatInt(id, 10))
}
