// Package retention removes what the bank no longer has to keep, and nothing else: discarded
// drafts past their retention, and the oldest audit events past theirs, unless a legal hold
// stands. Submitted customers' records are never purged here: their retention runs from
// the end of the customer relationship, which the portal does not know (docs/retention.md).
package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/store"
)

// Minimums below which no configuration may go: 12 months of audit (PCI DSS 10.5.1).
const (
	MinAuditDays     = 366
	MinDiscardedDays = 1
)

// NotificationDays is how long an inbox keeps a notification: it points at a case, whose
// own record stays in the case and its timeline.
const NotificationDays = 90

// Policy is how long each record class is kept, in days.
type Policy struct {
	AuditDays     int // audit events; 5 years by default, as AML record keeping asks
	DiscardedDays int // discarded drafts and their documents
}

// DefaultPolicy keeps audit events five years and a day, and discarded drafts 30 days.
var DefaultPolicy = Policy{AuditDays: 5*365 + 2, DiscardedDays: 30}

// Validate refuses a policy below the minimums.
func (p Policy) Validate() error {
	if p.AuditDays < MinAuditDays {
		return fmt.Errorf("audit retention of %d days is below the minimum of %d", p.AuditDays, MinAuditDays)
	}
	if p.DiscardedDays < MinDiscardedDays {
		return fmt.Errorf(
			"discarded-draft retention of %d days is below the minimum of %d",
			p.DiscardedDays,
			MinDiscardedDays,
		)
	}
	return nil
}

// Report is what a purge removed, or would remove in a dry run.
type Report struct {
	DryRun          bool
	Drafts          int
	Documents       int64
	HeldDrafts      int   // kept by a legal hold
	AuditEvents     int64 // the oldest events, up to AuditUpToID
	AuditUpToID     int64
	AuditHeldByHold bool // audit purge skipped: a legal hold stands
	Notifications   int64
}

// Purge applies p as of now. A dry run reads and reports; a real run deletes in one
// transaction and records what it removed as a retention.purged event.
func Purge(ctx context.Context, db *store.DB, p Policy, now time.Time, dryRun bool) (Report, error) {
	if err := p.Validate(); err != nil {
		return Report{}, err
	}
	rep := Report{DryRun: dryRun}
	err := db.InTx(ctx, func(tx pgx.Tx) error {
		ids, held, err := store.PurgeableDrafts(ctx, tx, now.AddDate(0, 0, -p.DiscardedDays))
		if err != nil {
			return err
		}
		rep.Drafts, rep.HeldDrafts = len(ids), held
		if rep.Notifications, err = store.NotificationsBefore(ctx, tx, now.AddDate(0, 0, -NotificationDays), !dryRun); err != nil {
			return err
		}
		cutoff := now.AddDate(0, 0, -p.AuditDays)
		prefix, err := auditPrefix(ctx, tx, cutoff, &rep)
		if err != nil || dryRun {
			return err
		}
		if len(ids) > 0 {
			if rep.Documents, err = store.DeleteDrafts(ctx, tx, ids); err != nil {
				return err
			}
		}
		if prefix.UpToID > 0 {
			if err := audit.DeletePrefix(ctx, tx, prefix, cutoff, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: audit.RetentionPurged, EntityType: "retention",
			EntityID: now.UTC().
				Format(time.DateOnly),
			After: rep, Reason: fmt.Sprintf("policy: audit %d days, discarded drafts %d days", p.AuditDays, p.DiscardedDays)})
	})
	return rep, err
}

// auditPrefix finds the audit events past retention; any legal hold keeps them all, since
// the trail can only lose a prefix and a held customer's events may lie anywhere in it.
func auditPrefix(ctx context.Context, tx pgx.Tx, cutoff time.Time, rep *Report) (audit.Prefix, error) {
	holds, err := store.ActiveLegalHolds(ctx, tx)
	if err != nil {
		return audit.Prefix{}, err
	}
	prefix, err := audit.PrefixBefore(ctx, tx, cutoff)
	if err != nil {
		return prefix, err
	}
	if len(holds) > 0 && prefix.UpToID > 0 {
		rep.AuditHeldByHold = true
		return audit.Prefix{}, nil
	}
	rep.AuditEvents, rep.AuditUpToID = prefix.Count, prefix.UpToID
	return prefix, nil
}

// Hold places a legal hold on the customer with this identity document, audited.
func Hold(ctx context.Context, db *store.DB, h store.LegalHold) (int64, error) {
	var id int64
	err := audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		id, err = store.AddLegalHold(ctx, tx, h)
		return audit.Event{Action: audit.LegalHoldPlaced, EntityType: "legal_hold", EntityID: fmt.Sprint(id),
			After: map[string]string{"issued_country": h.IssuedCountry, "id_type": h.IDType,
				"id_last4": h.IDNumber[max(0, len(h.IDNumber)-4):]}, Reason: h.Reason}, err
	})
	return id, err
}

// Release ends a legal hold, audited with the reason.
func Release(ctx context.Context, db *store.DB, id int64, reason string, now time.Time) error {
	return audit.Apply(ctx, db.Pool, func(tx pgx.Tx) (audit.Event, error) {
		return audit.Event{Action: audit.LegalHoldReleased, EntityType: "legal_hold", EntityID: fmt.Sprint(id),
			Reason: reason}, store.ReleaseLegalHold(ctx, tx, id, now)
	})
}
