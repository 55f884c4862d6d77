package handlers

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"kycportal/internal/cdp"
	"kycportal/internal/session"
	"kycportal/internal/store"
)

// access says who may use a route.
type access int

const (
	open      access = iota // no session at all: probes and static files
	anonymous               // the login form: a session if there is one, and a CSRF token that needs none
	anyUser                 // any signed-in user
	adminOnly
	reviewer    // supervisors and admins: they review what agents did
	agentOnly   // agents: they build onboarding drafts
	agentUpload // an agent sending a document: the body may hold one file
	checker     // supervisors: they approve their branch's submissions
	cdpCallback // the CDP, server to server: no session or CSRF token, its own HMAC signature
	staff       // agents and supervisors: the people of a branch who follow its cases
	staffPoll   // staff, asked by the page itself every few seconds: not activity (session.Passive)
	agentPoll   // agents, asked by the page itself
	provider    // the identity provider, server to server: no session or CSRF token, a signed token
)

type route struct {
	method, path string
	who          access
	handler      echo.HandlerFunc
}

// routes is every route of the portal, on one screen. The authorization matrix test
// (testdata/authz.csv) must have a row for each.
func (s *Server) routes() []route {
	return []route{
		{http.MethodGet, "/healthz", open, s.healthz},
		{http.MethodGet, "/readyz", open, s.readyz},
		{http.MethodGet, "/static/*", open, staticFiles()},
		{http.MethodGet, "/login", anonymous, s.loginShow},
		{http.MethodPost, "/login", anonymous, s.loginSubmit},
		{http.MethodPost, "/login/oidc", anonymous, s.loginSSOStart},
		{http.MethodGet, "/login/oidc/callback", anonymous, s.loginSSOCallback},
		{http.MethodPost, BackchannelLogoutPath, provider, s.loginSSOBackchannel},
		{http.MethodPost, "/logout", anyUser, s.logout},
		{http.MethodGet, "/", anyUser, s.homeShow},
		{http.MethodGet, "/metrics", adminOnly, s.metrics},
		{http.MethodGet, "/search", anyUser, s.searchShow},
		{http.MethodPost, "/search", agentOnly, s.searchByID},
		{http.MethodGet, "/search/id-types", agentOnly, s.searchIDTypes},
		{http.MethodPost, "/search/records", anyUser, s.searchRecords},
		{http.MethodGet, "/customers/:ecrn", agentOnly, s.customerShow},
		{http.MethodPost, "/customers/:ecrn/reveal", agentOnly, s.customerReveal},
		{http.MethodPost, "/customers/:ecrn/update", agentOnly, s.customerUpdate},
		{http.MethodGet, "/audit", reviewer, s.auditList},
		{http.MethodPost, "/audit/by-id", reviewer, s.auditByID},
		{http.MethodGet, "/audit/export", reviewer, s.auditExport},
		{http.MethodPost, "/audit/export", reviewer, s.auditExport},
		{http.MethodPost, "/audit/verify", reviewer, s.auditVerify},
		{http.MethodGet, "/audit/checkpoint", reviewer, s.auditCheckpoint},
		{http.MethodGet, "/audit/:id", reviewer, s.auditShow},
		{http.MethodGet, "/account/password", anyUser, s.accountPasswordShow},
		{http.MethodPost, "/account/password", anyUser, s.accountPasswordChange},
		{http.MethodPost, "/account/language", anyUser, s.accountLanguage},
		{http.MethodGet, "/account/totp", anyUser, s.accountTOTPShow},
		{http.MethodGet, "/account/totp/qr.png", anyUser, s.accountTOTPQR},
		{http.MethodPost, "/account/totp", anyUser, s.accountTOTPConfirm},
		{http.MethodGet, "/admin/users", adminOnly, s.adminUsersList},
		{http.MethodGet, "/admin/users/new", adminOnly, s.adminUserNew},
		{http.MethodPost, "/admin/users", adminOnly, s.adminUserCreate},
		{http.MethodGet, "/admin/users/:id", adminOnly, s.adminUserShow},
		{http.MethodPost, "/admin/users/:id", adminOnly, s.adminUserSave},
		{http.MethodPost, "/admin/users/:id/disable", adminOnly, s.adminUserAction(s.disableUser)},
		{http.MethodPost, "/admin/users/:id/enable", adminOnly, s.adminUserAction(s.enableUser)},
		{http.MethodPost, "/admin/users/:id/reset-password", adminOnly, s.adminUserAction(s.resetPassword)},
		{http.MethodPost, "/admin/users/:id/reset-totp", adminOnly, s.adminUserAction(s.resetTOTP)},
		{http.MethodPost, "/admin/users/:id/unlock", adminOnly, s.adminUserAction(s.unlockUser)},
		{http.MethodPost, "/admin/users/:id/sessions/:ref/end", adminOnly, s.adminUserAction(s.endSession)},
		{http.MethodGet, "/admin/branches", adminOnly, s.adminBranchesList},
		{http.MethodGet, "/admin/branches/new", adminOnly, s.adminBranchNew},
		{http.MethodPost, "/admin/branches", adminOnly, s.adminBranchCreate},
		{http.MethodGet, "/admin/branches/:code", adminOnly, s.adminBranchShow},
		{http.MethodPost, "/admin/branches/:code", adminOnly, s.adminBranchSave},
		{http.MethodGet, "/drafts", staff, s.draftList},
		{http.MethodGet, "/drafts/rows", staffPoll, s.draftRows},
		{http.MethodGet, "/drafts/new", agentOnly, s.draftNew},
		{http.MethodPost, "/drafts", agentOnly, s.draftCreate},
		{http.MethodPost, "/drafts/id-check", agentOnly, s.draftIDCheck},
		{http.MethodGet, "/drafts/:id", agentOnly, s.draftShow},
		{http.MethodPost, "/drafts/:id", agentOnly, s.draftSave},
		{http.MethodPost, "/drafts/:id/discard", agentOnly, s.draftDiscard},
		{http.MethodGet, "/drafts/:id/history", agentOnly, s.draftHistory},
		{http.MethodPost, "/drafts/:id/documents/:kind", agentUpload, s.documentUpload},
		{http.MethodGet, "/drafts/:id/documents/:kind", agentOnly, s.documentShow},
		{http.MethodGet, "/drafts/:id/documents/:kind/view", agentOnly, s.documentView},
		{http.MethodPost, "/drafts/:id/documents/:kind/remove", agentOnly, s.documentRemove},
		{http.MethodPost, "/drafts/:id/documents/:kind/accept", agentOnly, s.documentAccept},
		{http.MethodPost, "/drafts/:id/submit", agentOnly, s.draftSubmit},
		{http.MethodPost, "/drafts/:id/correct", agentOnly, s.draftCorrect},
		{http.MethodGet, "/drafts/:id/state", agentPoll, s.draftState},
		{http.MethodGet, "/notifications", staff, s.notificationList},
		{http.MethodGet, "/notifications/count", staffPoll, s.notificationCount},
		{http.MethodPost, "/notifications/read", staff, s.notificationsRead},
		{http.MethodGet, "/worklist", staff, s.worklistList},
		{http.MethodPost, "/worklist/:id/contact", staff, s.worklistContact},
		{http.MethodPost, "/worklist/:id/renew", agentOnly, s.worklistRenew},
		{http.MethodGet, "/worklist/:id", staff, s.worklistShow},
		{http.MethodPost, "/worklist/:id/confirm", agentOnly, s.worklistConfirm},
		{http.MethodPost, "/worklist/:id/approve", checker, s.worklistApprove},
		{http.MethodPost, "/worklist/:id/return", checker, s.worklistReturn},
		{http.MethodGet, "/approvals", checker, s.approvalList},
		{http.MethodGet, "/approvals/:id", checker, s.approvalShow},
		{http.MethodGet, "/approvals/:id/documents/:kind", checker, s.approvalDocumentShow},
		{http.MethodGet, "/approvals/:id/documents/:kind/view", checker, s.approvalDocumentView},
		{http.MethodGet, "/approvals/:id/evidence", checker, s.approvalEvidenceShow},
		{http.MethodPost, "/approvals/:id/claim", checker, s.approvalClaim},
		{http.MethodPost, "/approvals/:id/release", checker, s.approvalRelease},
		{http.MethodPost, "/approvals/:id/approve", checker, s.approvalApprove},
		{http.MethodPost, "/approvals/:id/return", checker, s.approvalReturn},
		{http.MethodPost, "/approvals/:id/reject", checker, s.approvalReject},
		{http.MethodPost, "/approvals/:id/retry", checker, s.approvalRetry},
		{http.MethodPost, cdp.CallbackPath, cdpCallback, s.amlAlertClosure},
	}
}

func (s *Server) register(e *echo.Echo) {
	for _, r := range s.routes() {
		e.Add(r.method, r.path, r.handler, s.guard(r.who)...)
	}
}

// passive marks a request the page makes by itself, so that it does not keep the session alive.
func passive(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.SetRequest(session.Passive(c.Request()))
		return next(c)
	}
}

// guard is the middleware a level of access needs, outermost first. Every level passes
// the input gate before anything reads the request.
func (s *Server) guard(who access) []echo.MiddlewareFunc {
	limit := bodyLimit(formBodyLimit)
	// signedIn is the chain of a level that needs a signed-in user of one of roles, its
	// body no larger than body allows.
	signedIn := func(body echo.MiddlewareFunc, roles ...string) []echo.MiddlewareFunc {
		return []echo.MiddlewareFunc{s.privatePage, body, checkInput, s.loadSession, signedInFirst, s.checkCSRF,
			s.requireRole(roles...)}
	}
	// polled is chain for a request the page makes by itself: passive right after the input gate.
	polled := func(chain []echo.MiddlewareFunc) []echo.MiddlewareFunc { return slices.Insert(chain, 3, passive) }
	switch who {
	case open:
		return []echo.MiddlewareFunc{checkInput}
	case anonymous:
		return []echo.MiddlewareFunc{s.privatePage, limit, checkInput, s.loadSession, s.checkLoginCSRF}
	case adminOnly:
		return signedIn(limit, store.RoleAdmin)
	case reviewer:
		return signedIn(limit, store.RoleSupervisor, store.RoleAdmin)
	case agentOnly:
		return signedIn(limit, store.RoleAgent)
	case checker:
		return signedIn(limit, store.RoleSupervisor)
	case cdpCallback, provider:
		return []echo.MiddlewareFunc{limit, checkInput}
	case staff:
		return signedIn(limit, store.RoleAgent, store.RoleSupervisor)
	case staffPoll:
		return polled(signedIn(limit, store.RoleAgent, store.RoleSupervisor))
	case agentPoll:
		return polled(signedIn(limit, store.RoleAgent))
	case agentUpload:
		return signedIn(uploadLimit, store.RoleAgent)
	default:
		return signedIn(limit, store.RoleAgent, store.RoleSupervisor, store.RoleAdmin)
	}
}
