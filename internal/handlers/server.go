// Package handlers is the portal's HTTP layer: one file per screen action, every route in
// routes.go, errors returned to one adapter (errors.go) and pages written by render.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"kycportal/internal/app"
	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/branches"
	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/review"
	"kycportal/internal/search"
	"kycportal/internal/session"
	"kycportal/internal/submission"
	"kycportal/internal/worklist"
)

// Deps are what the handlers need; cmd/portal builds each once (internal/app) and the
// worker shares the same services.
type Deps struct {
	Services *app.App
	DB       readiness
	CDP      tokenHealth
	Log      *slog.Logger
	Metrics  *prometheus.Registry
	Now      func() time.Time
	Sandbox  bool // the CDP in use is the sandbox: every page says so
	TLS      bool // served over HTTPS: send HSTS

	CallbackSecret string // CDP_CALLBACK_SECRET: signs the AML alert closure callback
}

// The small parts of other packages the handlers use, declared where they are used.
type (
	readiness interface {
		Ready(ctx context.Context) error
	}
	tokenHealth interface{ TokenFailingSince() time.Time }
)

// Server holds the dependencies of the handlers.
type Server struct {
	Deps
	crossOrigin *http.CrossOriginProtection
	httpMetrics *httpMetrics
	sessions    *session.Manager
	login       *auth.Service
	accounts    *auth.Accounts
	drafts      *drafts.Service
	search      *search.Service
	submissions *submission.Service
	review      *review.Service
	audit       audit.Recorder
	worklist    *worklist.Service
	branches    *branches.Service
}

// New builds the portal's HTTP handler.
func New(d Deps) (*echo.Echo, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	return s.router(), nil
}

func newServer(d Deps) (*Server, error) {
	m, err := newHTTPMetrics(d.Metrics)
	if err != nil {
		return nil, err
	}
	a := d.Services
	s := &Server{Deps: d, crossOrigin: http.NewCrossOriginProtection(), httpMetrics: m,
		sessions: a.Sessions, login: a.Login, accounts: a.Accounts, drafts: a.Drafts, search: a.Search,
		submissions: a.Submissions, review: a.Review, audit: a.Audit, worklist: a.Worklist, branches: a.Branches}
	// The CDP calls the callback server to server: its own signature check stands in for
	// the browser checks, which a proxy's added headers must not turn against it.
	s.crossOrigin.AddInsecureBypassPattern(http.MethodPost + " " + cdp.CallbackPath)
	return s, nil
}

// router is every route of s behind the middleware all requests pass.
func (s *Server) router() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = echo.ExtractIPDirect() // forwarding headers are not trusted
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.logRequests, s.recoverPanic, s.securityHeaders, s.rejectCrossOrigin)
	s.register(e)
	return e
}
