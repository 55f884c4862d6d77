package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/drafts"
	"kycportal/internal/views/pages"
)

// draftShow is one step of a draft; viewing it is audited.
func (s *Server) draftShow(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	d, err := s.drafts.View(c.Request().Context(), signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	step := drafts.Step(d.Pack, c.QueryParam("step"))
	v, err := s.draftView(c.Request().Context(), langOf(c), d, step, c.QueryParam("check") == "1")
	if err != nil {
		return err
	}
	if v.IDNumber, err = s.shownID(c, d); err != nil {
		return err
	}
	if c.QueryParam("lookup") == "unavailable" {
		v.Flash = "The CDP could not be asked about this ID just now. You can fill the draft: the lookup is repeated before anything is sent."
	}
	return render(c, http.StatusOK, pages.DraftPage(s.chromeT(c, "search.draft", "drafts"), v))
}
