package submission

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/store"
)

// Rules are the configurable limits of submission and approval.
type Rules struct {
	MaxReturns  int           // a checker may return one draft this many times, then approves or rejects
	ClaimFor    time.Duration // how long a supervisor's claim on a case holds
	MaxAttempts int           // CDP attempts of one sending before "needs attention"
	CheckFirst  time.Duration // the first check of a case under investigation; 0: 15 minutes
	CheckMax    time.Duration // the longest wait between two checks; 0: a day
}

// DefaultRules are the limits of a plain deployment.
var DefaultRules = Rules{MaxReturns: 3, ClaimFor: 15 * time.Minute, MaxAttempts: 10}

// Service moves submissions through the state machine. Every change commits in one
// transaction with its audit event and, when it queues the submission, its job.
type Service struct {
	DB        *store.DB
	Drafts    *drafts.Service
	Queue     *river.Client[pgx.Tx] // inserts jobs in the caller's transaction; need not work them
	Passwords Passwords             // the approval step-up; not needed by the worker
	Now       func() time.Time
	Rules     Rules
}

// Passwords checks a signed-in user's password, or their authenticator app's code, under the
// sign-in throttling, recording failure when it is wrong (auth.Service).
type Passwords interface {
	CheckPassword(ctx context.Context, u store.User, password string, failure audit.Event) error
	CheckCode(ctx context.Context, u store.User, code string, failure audit.Event) error
}

// Refusals a user can meet; handlers turn them into answers.
var (
	ErrIncomplete   = errors.New("this draft is not complete yet")
	ErrNotAwaiting  = errors.New("this case is not waiting for approval")
	ErrOwnCase      = errors.New("you prepared this case: another supervisor must check it")
	ErrClaimed      = errors.New("another supervisor is reviewing this case")
	ErrNotClaimed   = errors.New("claim this case before deciding on it; your claim may have expired")
	ErrStepUp       = errors.New("the password is not right")
	ErrReturnCap    = errors.New("this case was returned as often as allowed: approve or reject it")
	ErrNotAttention = errors.New("this case does not need attention")
)

// PreflightError refuses a submission or an approval the CDP would refuse, with why.
type PreflightError struct{ Findings []Finding }

func (e *PreflightError) Error() string {
	return fmt.Sprintf("the CDP would refuse this customer (%d findings): see the review step", len(e.Findings))
}

func entityID(draftID int64) string { return strconv.FormatInt(draftID, 10) }

// move takes sub from its state to to, if the machine allows it, saves it and records
// the change as action with facts. Callers set any other columns on sub before.
func (s *Service) move(
	ctx context.Context,
	tx pgx.Tx,
	sub *store.Submission,
	to State,
	action audit.Action,
	facts map[string]any,
	reason string,
) error {
	ctx = inBranch(ctx, sub.Branch)
	from := State(sub.State)
	if err := check(from, to); err != nil {
		return err
	}
	sub.State, sub.UpdatedAt = string(to), s.Now()
	// The row, its event and the agent's notice go in one round trip: the worker moves each
	// submission twice a send.
	b := &pgx.Batch{}
	if err := store.QueueSaveSubmission(b, *sub); err != nil {
		return err
	}
	after := map[string]any{"state": string(to)}
	maps.Copy(after, facts)
	err := audit.Queue(ctx, b, audit.Event{Action: action, EntityType: "submission", EntityID: entityID(sub.DraftID),
		Before: map[string]any{"state": string(from)}, After: after, Reason: reason, OccurredAt: sub.UpdatedAt})
	if err != nil {
		return err
	}
	queueNotice(b, *sub, from)
	return tx.SendBatch(ctx, b).Close()
}

// inBranch attributes the system's events about a submission (the worker's, the CDP
// callback's) to the submission's branch, whose supervisors review them; a person's events
// keep their own branch.
func inBranch(ctx context.Context, branch string) context.Context {
	a := audit.ActorFrom(ctx)
	if a.Branch != "" {
		return ctx
	}
	a.Branch = branch
	return audit.WithActor(ctx, a)
}

// enqueue queues sub and its job in tx: both commit, or neither.
func (s *Service) enqueue(ctx context.Context, tx pgx.Tx, sub *store.Submission, action audit.Action) error {
	res, err := s.Queue.InsertTx(
		ctx,
		tx,
		SendArgs{DraftID: sub.DraftID},
		&river.InsertOpts{MaxAttempts: s.Rules.MaxAttempts},
	)
	if err != nil {
		return err
	}
	return s.move(ctx, tx, sub, Queued, action, map[string]any{"job_id": res.Job.ID}, "")
}

// Submit sends a complete draft on: to its branch's approval queue when its pack asks for a
// checker, else straight to the CDP queue. A submission that is already on its way is left
// as it is, so two clicks, two tabs or a retried POST make one submission.
func (s *Service) Submit(ctx context.Context, u store.User, draftID int64) error {
	return s.DB.InTx(ctx, func(tx pgx.Tx) error {
		d, err := s.Drafts.ForUpdate(ctx, tx, u, draftID)
		if err != nil {
			return err
		}
		sub, err := store.SubmissionByDraft(ctx, tx, draftID, true)
		first := errors.Is(err, store.ErrNotFound)
		switch {
		case first:
			sub, err = s.create(ctx, tx, d)
		case err == nil && sub.State != string(StateDraft) && sub.State != string(Returned):
			return nil // on its way already
		}
		if err != nil {
			return err
		}
		if d.Status == store.DraftDiscarded {
			return drafts.ErrClosed
		}
		docs, err := s.complete(ctx, tx, d, sub)
		if err == nil {
			err = keepSent(ctx, tx, d, docs)
		}
		if err != nil {
			return err
		}
		return s.send(ctx, tx, u, d, &sub, first)
	})
}

func (s *Service) create(ctx context.Context, tx pgx.Tx, d drafts.Draft) (store.Submission, error) {
	sub := store.Submission{
		DraftID:     d.ID,
		State:       string(StateDraft),
		Kind:        KindOnboard,
		Country:     d.Country,
		Branch:      d.Branch,
		MakerID:     d.CreatedBy,
		Round:       1,
		SubmittedAt: s.Now(),
	}
	if d.UpdateECRN != "" { // an update case: the worker sends the CDP's update call
		sub.Kind, sub.ECRN = KindUpdate, d.UpdateECRN
	}
	return sub, store.CreateSubmission(ctx, tx, sub)
}

// complete refuses a draft with an issue left, and returns its documents, read in tx: a
// transaction never waits for a second connection of the pool, which the requests it
// blocks may hold.
func (s *Service) complete(
	ctx context.Context, tx pgx.Tx, d drafts.Draft, sub store.Submission,
) ([]store.Document, error) {
	docs, err := store.CurrentDocuments(ctx, tx, d.ID)
	if err != nil {
		return nil, err
	}
	if len(drafts.Review(d, docs, s.Now(), returned(sub))) > 0 {
		return nil, ErrIncomplete
	}
	return docs, s.preflight(ctx, tx, d)
}

// preflight refuses a draft whose payload the contract's rules reject: the CDP would. It
// reads through q, the caller's transaction.
func (s *Service) preflight(ctx context.Context, q store.Querier, d drafts.Draft) error {
	findings, err := s.preflightIn(ctx, q, d)
	if err != nil {
		return err
	}
	if len(findings) > 0 {
		return &PreflightError{Findings: findings}
	}
	return nil
}

// keepSent records what this submission of d sends: every field, and each document's SHA-256.
func keepSent(ctx context.Context, tx pgx.Tx, d drafts.Draft, docs []store.Document) error {
	sent := map[string]string{}
	for _, sec := range d.Pack.Sections {
		for _, f := range sec.Fields {
			sent[f.Name] = d.Values[f.Name]
		}
	}
	for _, doc := range docs {
		sent[doc.Kind] = drafts.Holding(d, docs, doc.Kind)
	}
	return store.KeepSent(ctx, tx, d.ID, sent)
}

// Sent is what the latest submission of a draft sent, and what the one before it sent
// (nil for a first submission), name by name.
func (s *Service) Sent(ctx context.Context, draftID int64) (latest, previous map[string]string, err error) {
	return store.Sent(ctx, s.DB.Pool, draftID)
}

// returned is the note of a submission its agent is correcting, nil for any other.
func returned(sub store.Submission) *store.ReturnNote {
	if State(sub.State) != Returned {
		return nil
	}
	return sub.ReturnNote
}

// Issues lists what keeps draft d from being submitted, documents docs: the draft's own
// problems, and what a return sent back that the agent has not changed yet.
func (s *Service) Issues(ctx context.Context, d drafts.Draft, docs []store.Document) ([]drafts.Issue, error) {
	sub, err := s.Current(ctx, d.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return drafts.Review(d, docs, s.Now(), returned(sub)), nil
}

// returnNote is the note of a return of d, keeping what each returned field and document
// holds now, so that each stays an issue until the agent changes it; read in tx.
func returnNote(
	ctx context.Context, tx pgx.Tx, d drafts.Draft, by, comment string, fields map[string]string,
) (*store.ReturnNote, error) {
	docs, err := store.CurrentDocuments(ctx, tx, d.ID)
	if err != nil {
		return nil, err
	}
	was := map[string]string{}
	for name := range fields {
		was[name] = drafts.Holding(d, docs, name)
	}
	return &store.ReturnNote{By: by, Comment: comment, Fields: fields, Was: was}, nil
}

// send moves a submission from the agent's hands on, closing the draft to edits.
func (s *Service) send(
	ctx context.Context, tx pgx.Tx, u store.User, d drafts.Draft, sub *store.Submission, first bool,
) error {
	facts := map[string]any{"draft_version": d.Version, "pack_version": d.PackVersion}
	if sub.State == string(Returned) {
		if err := s.move(ctx, tx, sub, StateDraft, audit.SubmissionReopened, nil, "corrected after a return"); err != nil {
			return err
		}
	}
	action := audit.SubmissionSubmitted
	if !first {
		sub.Round++
		facts["round"] = sub.Round
		if err := s.move(ctx, tx, sub, Resubmitted, audit.SubmissionResubmitted, facts, ""); err != nil {
			return err
		}
		if !d.Pack.MakerChecker {
			action = audit.SubmissionQueued
		}
	}
	sub.MakerID = u.ID
	sub.CheckerID = 0
	sub.ReturnNote = nil
	sub.SubmittedAt = s.Now()
	if err := store.SetDraftStatus(ctx, tx, d.ID, store.DraftSubmitted, s.Now()); err != nil {
		return err
	}
	if d.Pack.MakerChecker {
		return s.move(ctx, tx, sub, AwaitingApproval, action, facts, "")
	}
	return s.enqueue(ctx, tx, sub, action)
}

// Of reads the submission of a draft the user may see; drafts.ErrNotFound when it has none.
// It locks nothing: a page or a thumbnail of a case never waits for the case's changes.
func (s *Service) Of(ctx context.Context, u store.User, draftID int64) (store.Submission, error) {
	if _, err := s.Drafts.Visible(ctx, s.DB.Pool, u, draftID); err != nil {
		return store.Submission{}, err
	}
	sub, err := store.SubmissionByDraft(ctx, s.DB.Pool, draftID, false)
	if errors.Is(err, store.ErrNotFound) {
		err = drafts.ErrNotFound
	}
	return sub, err
}

// caseLocked locks a case's draft, then its submission, until tx ends. Every change of a
// case takes its locks in this one order (draft, submission, documents), and all of them
// before its first audit event, so that two changes of one case queue instead of
// deadlocking (docs/submission.md).
func caseLocked(ctx context.Context, tx pgx.Tx, draftID int64) (store.Submission, error) {
	return store.LockCase(ctx, tx, draftID)
}

// Current reads the submission of a draft whose user the caller has checked already;
// store.ErrNotFound when it has none.
func (s *Service) Current(ctx context.Context, draftID int64) (store.Submission, error) {
	return store.SubmissionByDraft(ctx, s.DB.Pool, draftID, false)
}

// Timeline is the submission's history: every change with who and when, every CDP attempt.
func (s *Service) Timeline(ctx context.Context, draftID int64) ([]audit.Entry, error) {
	return audit.History(ctx, s.DB.Pool, "submission", entityID(draftID), 1000)
}

// refuse records, in its own transaction, a change the rules refused, and returns why.
func (s *Service) refuse(ctx context.Context, action audit.Action, draftID int64, why error) error {
	err := audit.Apply(ctx, s.DB.Pool, func(pgx.Tx) (audit.Event, error) {
		return audit.Event{Action: action, EntityType: "submission", EntityID: entityID(draftID),
			Outcome: audit.Denied, Reason: why.Error()}, nil
	})
	return errors.Join(why, err)
}
