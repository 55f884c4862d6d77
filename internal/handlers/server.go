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
	"kycportal/internal/sso"
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
	Sandbox  bool           // the CDP in use is the sandbox: every page says so
	TLS      bool           // served over HTTPS: send HSTS
	TimeZone *time.Location // where no branch says otherwise, times show in this zone; nil: UTC

	CallbackSecret string // CDP_CALLBACK_SECRET: signs the AML alert closure callback
	AuditKey       []byte // the sign-in form's signing key is derived from it; nil: a key of this process
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
	csp         string // the Content-Security-Policy of every answer
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
	loginKey    []byte // signs the sign-in form's token (login_token.go)
	refusals    *callbackRefusals
	sso         *sso.Service // nil: no single sign-on
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
	refusals, err := newCallbackRefusals(d.Metrics)
	if err != nil {
		return nil, err
	}
	a := d.Services
	s := &Server{Deps: d, crossOrigin: http.NewCrossOriginProtection(), httpMetrics: m,
		sessions: a.Sessions, login: a.Login, accounts: a.Accounts, drafts: a.Drafts, search: a.Search,
		submissions: a.Submissions, review: a.Review, audit: a.Audit, worklist: a.Worklist, sso: a.SSO,
		branches: a.Branches, loginKey: loginTokenKey(d.AuditKey), refusals: refusals}
	// The CDP and the identity provider call server to server: their own signatures stand in
	// for the browser checks, which a proxy's added headers must not turn against them.
	s.crossOrigin.AddInsecureBypassPattern(http.MethodPost + " " + cdp.CallbackPath)
	s.crossOrigin.AddInsecureBypassPattern(http.MethodPost + " " + BackchannelLogoutPath)
	s.csp = contentSecurityPolicy
	if s.sso != nil {
		// The sign-in and logout forms redirect to the provider, which form-action governs too.
		s.csp += " " + s.sso.Origin()
	}
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
