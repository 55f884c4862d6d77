package handlers

import (
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/labstack/echo/v4"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// auditVerify checks the chain now: a supervisor their branch's events, an admin the whole
// chain. The outcome is kept for the banner and recorded in the trail.
func (s *Server) auditVerify(c echo.Context) error {
	u, _ := userOf(c)
	scope := u.Branch
	if u.Role == store.RoleAdmin {
		scope = ""
	}
	ctx := c.Request().Context()
	res, err := audit.Verify(ctx, s.DB.Pool, scope)
	if err != nil {
		return err
	}
	outcome := audit.Success
	if !res.OK() {
		outcome = audit.Failure
	}
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		v := store.Verification{At: s.Now(), By: u.Username, Scope: scope, Verified: res.Verified, BrokenID: res.BrokenID}
		return audit.Event{Action: audit.AuditVerified, EntityType: "audit", EntityID: scopeName(scope),
			After:   map[string]any{"verified": res.Verified, "broken_id": res.BrokenID, "problem": res.Problem},
			Outcome: outcome}, store.SaveVerification(ctx, tx, v)
	})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/audit")
}
