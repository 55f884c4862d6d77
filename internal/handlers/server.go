// Package handlers is the portal's HTTP layer: one file per screen action, every route in
// routes.go, errors returned to one adapter (errors.go) and pages written by render.
package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/auth"
	"kycportal/internal/cdp"
	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/session"
	"kycportal/internal/store"
)

// Deps are what the handlers need; cmd/portal wires them.
type Deps struct {
	DB       *store.DB
	Sessions *session.Manager
	Auth     *auth.Service
	CDP      *cdp.Client
	Log      *slog.Logger
	Metrics  *prometheus.Registry
	Now      func() time.Time
	Sandbox  bool              // the CDP in use is the sandbox: every page says so
	TLS      bool              // served over HTTPS: send HSTS
	Packs    *packs.Registry   // nil: the packs built into the binary
	Blobs    drafts.BlobStore  // nil: document bytes in PostgreSQL
	Scanner  documents.Scanner // nil: no antivirus engine
}

// Server holds the dependencies of the handlers.
type Server struct {
	Deps
	crossOrigin *http.CrossOriginProtection
	httpMetrics *httpMetrics
	drafts      *drafts.Service
}

// New builds the portal's HTTP handler.
func New(d Deps) *echo.Echo {
	s := &Server{Deps: d, crossOrigin: http.NewCrossOriginProtection(), httpMetrics: newHTTPMetrics(d.Metrics),
		drafts: newDraftService(d)}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect() // forwarding headers are not trusted
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.logRequests, s.recoverPanic, s.securityHeaders, s.rejectCrossOrigin)
	s.register(e)
	return e
}
