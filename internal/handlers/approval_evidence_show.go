package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
)

// approvalEvidenceShow sends a case's evidence pack to a supervisor who may check the
// case: a ZIP that `portal audit verify-pack` checks offline (docs/audit.md).
func (s *Server) approvalEvidenceShow(c echo.Context) error {
	id, err := draftParam(c)
	if err != nil {
		return err
	}
	pack, err := s.submissions.Evidence(c.Request().Context(), signedIn(c), id)
	if errors.Is(err, audit.ErrNoCheckpoint) {
		return refusal(http.StatusServiceUnavailable, "err.no_checkpoint")
	}
	if err != nil {
		return submissionFailure(err)
	}
	var zipped bytes.Buffer // whole before the first byte goes: a failure is still a page
	if err := pack.Write(&zipped); err != nil {
		return err
	}
	name := fmt.Sprintf(`attachment; filename="case-%d-evidence.zip"`, id)
	c.Response().Header().Set(echo.HeaderContentDisposition, name)
	return c.Blob(http.StatusOK, "application/zip", zipped.Bytes())
}
