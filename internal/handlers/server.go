// Package handlers is the portal's HTTP layer: one file per screen action, every route in
// routes.go, errors returned to one adapter (errors.go) and pages written by render.
package handlers

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"kycportal/internal/auth"
	"kycportal/internal/cdp"
	"kycportal/internal/documents"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/store"
	"kycportal/internal/submission"
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

	AuditKey    []byte       // keys the hash of ID numbers in the audit trail (audit.IDRef)
	LookupLimit search.Limit // CDP lookups a user may make; zero: search.DefaultLimit

	Queue          *river.Client[pgx.Tx] // nil: a client that only inserts jobs (no worker here)
	Rules          submission.Rules      // zero: submission.DefaultRules
	CallbackSecret string                // CDP_CALLBACK_SECRET: signs the AML alert closure callback
}

// Server holds the dependencies of the handlers.
type Server struct {
	Deps
	crossOrigin *http.CrossOriginProtection
	httpMetrics *httpMetrics
	drafts      *drafts.Service
	search      *search.Service
	submissions *submission.Service
}

// New builds the portal's HTTP handler.
func New(d Deps) *echo.Echo {
	s := &Server{Deps: d, crossOrigin: http.NewCrossOriginProtection(), httpMetrics: newHTTPMetrics(d.Metrics),
		drafts: newDraftService(d), search: newSearchService(d)}
	s.submissions = newSubmissionService(d, s.drafts)
	// The CDP calls the callback server to server: its own signature check stands in for
	// the browser checks, which a proxy's added headers must not turn against it.
	s.crossOrigin.AddInsecureBypassPattern(http.MethodPost + " " + cdp.CallbackPath)
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect() // forwarding headers are not trusted
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.logRequests, s.recoverPanic, s.securityHeaders, s.rejectCrossOrigin)
	s.register(e)
	return e
}
