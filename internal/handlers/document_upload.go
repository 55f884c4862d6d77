package handlers

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/views/pages"
)

// documentUpload receives one file in the multipart field "file", after the _csrf field.
// A refusal shows the documents step again with the reason next to the document.
func (s *Server) documentUpload(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	kind := c.Param("kind")
	file, err := uploadedFile(c)
	if err == nil {
		_, err = s.drafts.Upload(c.Request().Context(), signedIn(c), id, kind, file)
		_ = file.Close() // a read-only temporary file already unlinked: nothing to lose
	}
	var rejected *documents.Rejection
	if errors.As(err, &rejected) {
		return s.renderDocumentsStep(c, id, kind, rejected)
	}
	if err != nil {
		return draftFailure(err)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/drafts/%d?step=documents#doc-%s", id, kind))
}

// renderDocumentsStep shows the documents step with a refusal next to its document.
func (s *Server) renderDocumentsStep(c echo.Context, id int64, kind string, r *documents.Rejection) error {
	ctx := c.Request().Context()
	d, err := s.drafts.View(ctx, signedIn(c), id)
	if err != nil {
		return draftFailure(err)
	}
	v, err := s.draftView(ctx, langOf(c), d, drafts.StepDocuments, false)
	if err != nil {
		return err
	}
	for i := range v.Docs {
		if v.Docs[i].Kind == kind {
			v.Docs[i].Error = r.Message
		}
	}
	return render(c, refusalStatus[r.Kind], pages.DraftPage(s.chromeT(c, "search.draft", "drafts"), v))
}

// refusalStatus is how the web answers each kind of refused upload.
var refusalStatus = map[documents.Refusal]int{
	documents.Unacceptable: http.StatusUnprocessableEntity,
	documents.TooLarge:     http.StatusRequestEntityTooLarge,
	documents.LimitReached: http.StatusBadRequest,
	documents.CannotCheck:  http.StatusServiceUnavailable,
}
