package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"kycportal/internal/documents"
	"kycportal/internal/drafts"
)

// documentRemove takes a document out of a draft (audited; the row is kept).
func (s *Server) documentRemove(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := s.drafts.RemoveDocument(c.Request().Context(), signedIn(c), id, c.Param("kind")); err != nil {
		return draftFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d?step=documents", id))
}

// documentAccept records why the agent keeps a photo despite its quality warnings; the
// checker sees the reason.
func (s *Server) documentAccept(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	if err := parseForm(c); err != nil {
		return err
	}
	kind := c.Param("kind")
	err = s.drafts.AcceptWarnings(
		c.Request().Context(),
		signedIn(c),
		id,
		kind,
		strings.TrimSpace(c.Request().PostForm.Get("reason")),
	)
	var fe drafts.FieldErrors
	if errors.As(err, &fe) {
		return s.renderDocumentsStep(c, id, kind, &documents.Rejection{Kind: documents.Unacceptable, Message: fe["reason"]})
	}
	if err != nil {
		return draftFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d?step=documents#doc-%s", id, kind))
}
