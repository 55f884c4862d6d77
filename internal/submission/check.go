package submission

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"kycportal/internal/audit"
	"kycportal/internal/cdp"
	"kycportal/internal/store"
)

// CheckArgs is the job that looks a case under compliance investigation up again at the
// CDP, in case the AML alert closure callback never comes (docs/submission.md).
type CheckArgs struct {
	DraftID int64 `json:"draft_id"`
	Check   int   `json:"check"` // 1 for the first check of the case
}

// Kind names the job in river's table.
func (CheckArgs) Kind() string { return "submission_check" }

// InsertOpts puts the job on the CDP queue.
func (CheckArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueName} }

// The checks' backoff: the first a quarter of an hour after the CDP opened its
// investigation, each next one four times later, never more than a day apart, until the case
// resolves. Rules.CheckFirst and Rules.CheckMax change them.
const (
	defaultCheckFirst = 15 * time.Minute
	defaultCheckMax   = 24 * time.Hour
)

// checkDelay is the wait before check n (1-based).
func (r Rules) checkDelay(n int) time.Duration {
	first, most := cmp.Or(r.CheckFirst, defaultCheckFirst), cmp.Or(r.CheckMax, defaultCheckMax)
	d := first
	for i := 1; i < n && d < most; i++ {
		d *= 4
	}
	return min(d, most)
}

// scheduleCheck queues check n of the case in tx, at its time on the schedule; it returns when.
func (s *Service) scheduleCheck(ctx context.Context, tx pgx.Tx, draftID int64, n int) (time.Time, error) {
	at := s.Now().Add(s.Rules.checkDelay(n))
	_, err := s.Queue.InsertTx(ctx, tx, CheckArgs{DraftID: draftID, Check: n}, &river.InsertOpts{ScheduledAt: at})
	return at, err
}

// CheckWorker works the checks, with the send worker's CDP client.
type CheckWorker struct {
	river.WorkerDefaults[CheckArgs]
	send *Worker
}

// Work looks the customer up and, in one transaction, records the check in plain words and
// resolves the case or schedules the next check. A case the callback resolved meanwhile
// ends the checks without a call or a record.
func (cw *CheckWorker) Work(ctx context.Context, job *river.Job[CheckArgs]) error {
	w := cw.send
	ctx = audit.WithActor(
		ctx,
		audit.Actor{Username: "cdp-worker", Role: "system", RequestID: fmt.Sprintf("job-%d", job.ID)},
	)
	sub, err := store.SubmissionByDraft(ctx, w.DB.Pool, job.Args.DraftID, false)
	if err != nil || State(sub.State) != UnderInvestigation {
		return err
	}
	ctx = inBranch(ctx, sub.Branch)
	d, err := w.Drafts.Pinned(ctx, w.DB.Pool, sub.DraftID)
	if err != nil {
		return err
	}
	var v verdict
	res := w.call(
		ctx,
		&v,
		"lookup",
		func(ctx context.Context) cdp.Result { return w.CDP.Lookup(ctx, d.IDType, d.IDNumber) },
	)
	return w.DB.InTx(ctx, func(tx pgx.Tx) error {
		sub, err := caseLocked(ctx, tx, job.Args.DraftID)
		if err != nil || State(sub.State) != UnderInvestigation {
			return err
		}
		if err := w.recordCalls(ctx, tx, sub.DraftID, v.calls); err != nil {
			return err
		}
		return w.resolveCheck(ctx, tx, &sub, job.Args.Check, res)
	})
}

// resolveCheck records check n's answer and moves the case when the CDP has decided.
func (w *Worker) resolveCheck(ctx context.Context, tx pgx.Tx, sub *store.Submission, n int, res cdp.Result) error {
	to, words := checkVerdict(res)
	facts := map[string]any{"check": n, "outcome": res.Outcome.String()}
	if to == "" {
		at, err := w.scheduleCheck(ctx, tx, sub.DraftID, n+1)
		if err != nil {
			return err
		}
		facts["next_check_at"] = at.UTC()
		words += "; next check " + at.UTC().Format("2006-01-02 15:04") + " UTC"
	}
	err := audit.Record(ctx, tx, audit.Event{Action: audit.CDPCheck, EntityType: "submission",
		EntityID: entityID(sub.DraftID), After: facts, Reason: words})
	if err != nil || to == "" {
		return err
	}
	return w.move(ctx, tx, sub, to, audit.CDPOutcome, map[string]any{"outcome": res.Outcome.String(), "check": n},
		"resolved by checking the CDP again")
}

// checkVerdict is where a check's answer takes an investigated case ("": still open) and
// the check in plain words. The CDP's record decides as the closure callback does: an active
// customer whose scan passed is onboarded, any other record rejected.
func checkVerdict(res cdp.Result) (State, string) {
	switch res.Outcome {
	case cdp.UnderInvestigation:
		return "", "Checked the CDP again: still under compliance investigation"
	case cdp.Blocked:
		return Rejected, "Checked the CDP again: the investigation closed and the customer is blocked"
	case cdp.Found:
		c := res.Customer
		if c.AMLScanStatus == "Under Investigation" {
			return "", "Checked the CDP again: still under compliance investigation"
		}
		if c.CustomerStatus == "ACTIVE" && (c.AMLScanStatus == "Accepted" || c.AMLScanStatus == "") {
			return Onboarded, "Checked the CDP again: the investigation closed and the customer is active"
		}
		return Rejected, "Checked the CDP again: the investigation closed; the customer is " + c.CustomerStatus +
			", scan " + c.AMLScanStatus
	}
	return "", "Checked the CDP again: no usable answer (" + res.Outcome.String() + ")"
}
