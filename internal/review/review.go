// Package review is what supervisors and admins read of the agents' work: the audit trail,
// its verification, and the dashboard. A supervisor sees their branch; an admin the bank.
// Every look at the trail is itself recorded, in the transaction that read it.
package review

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Service holds what reviews need.
type Service struct {
	DB  *store.DB
	Now func() time.Time
	Key []byte     // the audit HMAC key of audit.NewIDRef
	Log *audit.Key // signs the audit log's checkpoints: verification checks them with it
}

// Scope is the branch a reviewer sees: their own, or "" (every branch) for an admin.
func Scope(u store.User) string {
	if u.Role == store.RoleAdmin {
		return ""
	}
	return u.Branch
}

// Events lists the events f selects and records, with viewed, that they were looked at.
func (s *Service) Events(ctx context.Context, f audit.Filter, viewed any) ([]audit.Row, error) {
	var rows []audit.Row
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		rows, err = audit.List(ctx, tx, f)
		return audit.Event{Action: audit.AuditViewed, EntityType: "audit", EntityID: "list", After: viewed}, err
	})
	return rows, err
}

// Event is one event in full, if it is in the reviewer's scope; looking is recorded.
func (s *Service) Event(ctx context.Context, u store.User, id int64) (audit.Row, error) {
	var r audit.Row
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		r, err = audit.ByID(ctx, tx, id, Scope(u))
		return audit.Event{Action: audit.AuditViewed, EntityType: "audit_event", EntityID: strconv.FormatInt(id, 10)}, err
	})
	return r, err
}

// Verify checks the reviewer's scope of the trail now; the outcome is kept for the banner
// and recorded in the trail.
func (s *Service) Verify(ctx context.Context, u store.User) (audit.Result, error) {
	scope := Scope(u)
	res, err := audit.Verify(ctx, s.DB.Pool, scope, s.Log.Verifier())
	if err != nil {
		return res, err
	}
	outcome := audit.Success
	if !res.OK() {
		outcome = audit.Failure
	}
	err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		v := audit.Verification{At: s.Now(), By: u.Username, Scope: scope, Verified: res.Verified, BrokenID: res.BrokenID}
		return audit.Event{Action: audit.AuditVerified, EntityType: "audit", EntityID: ScopeName(scope),
			After:   map[string]any{"verified": res.Verified, "broken_id": res.BrokenID, "problem": res.Problem},
			Outcome: outcome}, audit.SaveVerification(ctx, tx, v)
	})
	return res, err
}

// LastVerification is the latest verification that covers scope; audit.ErrNotFound when
// there was none.
func (s *Service) LastVerification(ctx context.Context, scope string) (audit.Verification, error) {
	return audit.LastVerification(ctx, s.DB.Pool, scope)
}

// Customers names the customers of the drafts ids, for the trail's list.
func (s *Service) Customers(ctx context.Context, ids []int64) ([]store.DraftCustomer, error) {
	return store.DraftCustomers(ctx, s.DB.Pool, ids)
}

// Dashboard is the reviewer's scope as of now; its day starts at midnight in loc.
func (s *Service) Dashboard(ctx context.Context, u store.User, loc *time.Location) (store.Dashboard, error) {
	return store.BranchDashboard(ctx, s.DB.Pool, Scope(u), s.Now(), loc)
}

// ScopeName says a scope in words.
func ScopeName(branch string) string {
	if branch == "" {
		return "whole chain"
	}
	return "branch " + branch
}

// EachEvent calls fn with every event f selects, oldest first, one row in memory at a time.
func (s *Service) EachEvent(ctx context.Context, f audit.Filter, fn func(audit.Row) error) error {
	return audit.Each(ctx, s.DB.Pool, f, fn)
}

// IDRef is how the trail names an ID number, for a search of the trail by number.
func (s *Service) IDRef(number string) audit.IDRef { return audit.NewIDRef(s.Key, number) }

// Checkpoint is the audit log's latest signed checkpoint, for an auditor or a witness to
// keep (docs/audit.md); handing it out is recorded.
func (s *Service) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	c, err := audit.LatestCheckpoint(ctx, s.DB.Pool)
	if err != nil {
		return c, err
	}
	return c, audit.RecordAlone(ctx, s.DB.Pool, audit.Event{Action: audit.AuditViewed, EntityType: "audit_checkpoint",
		EntityID: strconv.FormatInt(c.Size, 10)})
}
