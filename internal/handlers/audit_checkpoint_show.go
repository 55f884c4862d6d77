package handlers

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
)

// auditCheckpoint serves the latest signed checkpoint of the audit log as a signed note,
// for an auditor or a witness to keep: a later rewrite of the log does not verify against
// a copy kept elsewhere (docs/audit.md).
func (s *Server) auditCheckpoint(c echo.Context) error {
	cp, err := s.review.Checkpoint(c.Request().Context())
	if errors.Is(err, audit.ErrNoCheckpoint) {
		return refusal(http.StatusNotFound, "err.nothing_sealed")
	}
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/plain; charset=utf-8", cp.Note)
}
