package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/views/pages"
)

// draftDiscard soft-deletes a draft with the agent's reason.
func (s *Server) draftDiscard(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := parseForm(c); err != nil {
		return err
	}
	ctx, u := c.Request().Context(), signedIn(c)
	err = s.drafts.Discard(ctx, u, id, strings.TrimSpace(c.Request().PostForm.Get("reason")))
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		d, err := s.drafts.View(ctx, u, id)
		if err != nil {
			return draftFailure(err)
		}
		v, err := s.draftView(ctx, langOf(c), d, drafts.StepReview, false)
		if err != nil {
			return err
		}
		v.DiscardError = fe["reason"]
		return render(c, http.StatusUnprocessableEntity, pages.DraftPage(s.chromeT(c, "search.draft", "drafts"), v))
	}
	if err != nil {
		return draftFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, "/drafts")
}
