package submission

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/store"
)

// ReasonTypes are the reasons a checker may give for a field or document, by code.
var ReasonTypes = map[string]string{
	"missing":   "Missing",
	"illegible": "Unreadable",
	"mismatch":  "Does not match the document",
	"expired":   "Expired",
	"invalid":   "Not valid",
	"other":     "Other: see the comment",
}

// Review is a checker's return or rejection: a typed reason per field or document kind,
// and a comment.
type Review struct {
	Reasons map[string]string // field name or document kind → a code of ReasonTypes
	Comment string
}

// check refuses a review without reasons, with unknown names or codes, or without a comment.
func (r Review) check(p *packs.Pack) error {
	fe := drafts.FieldErrors{}
	if len(r.Reasons) == 0 {
		fe["reasons"] = "Mark at least one field or document, with its reason."
	}
	for _, name := range slices.Sorted(maps.Keys(r.Reasons)) {
		_, isField := p.Field(name)
		_, known := ReasonTypes[r.Reasons[name]]
		if (!isField && !slices.Contains(packs.DocumentKinds, name)) || !known {
			fe["reasons"] = fmt.Sprintf(
				"%q with reason %q is not a field or document and a known reason.",
				name,
				r.Reasons[name],
			)
		}
	}
	if l := len([]rune(strings.TrimSpace(r.Comment))); l < 3 || l > 1000 {
		fe["comment"] = "Write a comment of 3 to 1000 characters for the agent."
	}
	if len(fe) > 0 {
		return fe
	}
	return nil
}

// decision loads a case for supervisor u and checks that u may decide on it now: it awaits
// approval, u did not prepare it, and u holds an unexpired claim on it.
func (s *Service) decision(
	ctx context.Context, tx pgx.Tx, u store.User, draftID int64,
) (drafts.Draft, store.Submission, error) {
	d, sub, err := s.awaiting(ctx, tx, u, draftID)
	if err == nil && (sub.ClaimedBy != u.ID || !sub.ClaimExpiresAt.After(s.Now())) {
		err = ErrNotClaimed
	}
	return d, sub, err
}

// locked reads, for user u, a draft and its submission, and locks both until tx ends; a
// draft without a submission is not found.
func (s *Service) locked(
	ctx context.Context, tx pgx.Tx, u store.User, draftID int64,
) (drafts.Draft, store.Submission, error) {
	d, err := s.Drafts.ForUpdate(ctx, tx, u, draftID)
	if err != nil {
		return d, store.Submission{}, err
	}
	sub, err := store.SubmissionByDraft(ctx, tx, draftID, true)
	if errors.Is(err, store.ErrNotFound) {
		err = drafts.ErrNotFound
	}
	return d, sub, err
}

func (s *Service) awaiting(
	ctx context.Context, tx pgx.Tx, u store.User, draftID int64,
) (drafts.Draft, store.Submission, error) {
	d, sub, err := s.locked(ctx, tx, u, draftID)
	switch {
	case err != nil:
		return d, sub, err
	case sub.State != string(AwaitingApproval):
		return d, sub, ErrNotAwaiting
	case sub.MakerID == u.ID:
		return d, sub, ErrOwnCase
	}
	return d, sub, nil
}

// Claim gives supervisor u the case for Rules.ClaimFor, unless another holds an unexpired
// claim: two supervisors never review the same case.
func (s *Service) Claim(ctx context.Context, u store.User, draftID int64) error {
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		_, sub, err := s.awaiting(ctx, tx, u, draftID)
		if err != nil {
			return err
		}
		if sub.ClaimedBy != 0 && sub.ClaimedBy != u.ID && sub.ClaimExpiresAt.After(s.Now()) {
			return fmt.Errorf("%w (%s, until %s UTC)", ErrClaimed, sub.ClaimedByName, sub.ClaimExpiresAt.UTC().Format("15:04"))
		}
		if err := s.lapsed(ctx, tx, sub, u); err != nil {
			return err
		}
		sub.ClaimedBy = u.ID
		sub.ClaimExpiresAt = s.Now().Add(s.Rules.ClaimFor)
		sub.UpdatedAt = s.Now()
		if err := store.SaveSubmission(ctx, tx, sub); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: audit.SubmissionClaimed, EntityType: "submission",
			EntityID: entityID(draftID), After: map[string]any{"claimed_until": sub.ClaimExpiresAt.UTC()}})
	})
	return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrClaimed)
}

// refusedBy audits err as a refusal when it is one of the rules' refusals listed.
func (s *Service) refusedBy(ctx context.Context, draftID int64, err error, rules ...error) error {
	for _, rule := range rules {
		if errors.Is(err, rule) {
			return s.refuse(ctx, audit.SubmissionRefused, draftID, err)
		}
	}
	return err
}

// Approve sends the case to the CDP queue once supervisor u gives their password again.
// The case is checked first, so that a password is never asked for a case u cannot approve.
func (s *Service) Approve(ctx context.Context, u store.User, draftID int64, password string) error {
	return s.ApproveWith(ctx, u, draftID, func(ctx context.Context) error {
		return stepUpErr(s.Passwords.CheckPassword(ctx, u, password, stepUpFailure(draftID)))
	})
}

// ApproveWithCode is Approve with a code of u's authenticator app in place of the password,
// for a checker signed in through the identity provider; it counts under the same throttle.
func (s *Service) ApproveWithCode(ctx context.Context, u store.User, draftID int64, code string) error {
	return s.ApproveWith(ctx, u, draftID, func(ctx context.Context) error {
		return stepUpErr(s.Passwords.CheckCode(ctx, u, code, stepUpFailure(draftID)))
	})
}

// stepUpFailure is the event a refused step-up records.
func stepUpFailure(draftID int64) audit.Event {
	return audit.Event{
		Action:     audit.StepUpFailed,
		EntityType: "submission",
		EntityID:   entityID(draftID),
		Outcome:    audit.Denied,
	}
}

// stepUpErr is ErrStepUp for a refused password or code.
func stepUpErr(err error) error {
	if errors.Is(err, auth.ErrBadCredentials) {
		return ErrStepUp
	}
	return err
}

// ApproveWith is Approve with another proof that u is at the keyboard: signing in again at
// the identity provider, for a checker who signed in there and has no password. stepUp
// returns nil once u proved it, ErrStepUp (recorded) when not.
func (s *Service) ApproveWith(
	ctx context.Context, u store.User, draftID int64, stepUp func(context.Context) error,
) error {
	var d drafts.Draft
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		d, _, err = s.decision(ctx, tx, u, draftID)
		return err
	})
	if err != nil {
		return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrNotClaimed)
	}
	if err := s.preflight(ctx, s.DB.Pool, d); err != nil {
		return err // the CDP would refuse it: return it to the agent instead
	}
	if err := stepUp(ctx); err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx pgx.Tx) error {
		_, sub, err := s.decision(ctx, tx, u, draftID)
		if err != nil {
			return err
		}
		sub.CheckerID, sub.ClaimedBy = u.ID, 0
		if err := s.move(ctx, tx, &sub, Approved, audit.SubmissionApproved, map[string]any{"step_up": true}, ""); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, &sub, audit.SubmissionQueued)
	})
	return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrNotClaimed)
}

// Return sends the case back to its agent with the checker's reasons, reopening the draft.
func (s *Service) Return(ctx context.Context, u store.User, draftID int64, r Review) error {
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		d, sub, err := s.decision(ctx, tx, u, draftID)
		if err == nil && sub.Returns >= s.Rules.MaxReturns {
			err = ErrReturnCap
		}
		if err == nil {
			err = r.check(d.Pack)
		}
		if err != nil {
			return err
		}
		sub.CheckerID = u.ID
		sub.ClaimedBy = 0
		sub.Returns++
		if sub.ReturnNote, err = returnNote(ctx, tx, d, "checker", strings.TrimSpace(r.Comment), r.Reasons); err != nil {
			return err
		}
		if err := store.SetDraftStatus(ctx, tx, draftID, store.DraftOpen, s.Now()); err != nil {
			return err
		}
		return s.move(ctx, tx, &sub, Returned, audit.SubmissionReturned,
			map[string]any{"reasons": r.Reasons, "returns": sub.Returns}, sub.ReturnNote.Comment)
	})
	return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrNotClaimed, ErrReturnCap)
}

// Reject ends the case for good with the checker's reasons; the draft stays closed.
func (s *Service) Reject(ctx context.Context, u store.User, draftID int64, r Review) error {
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		d, sub, err := s.decision(ctx, tx, u, draftID)
		if err == nil {
			err = r.check(d.Pack)
		}
		if err != nil {
			return err
		}
		sub.CheckerID, sub.ClaimedBy = u.ID, 0
		sub.ReturnNote = &store.ReturnNote{By: "checker", Comment: strings.TrimSpace(r.Comment), Fields: r.Reasons}
		return s.move(ctx, tx, &sub, Rejected, audit.SubmissionRejected, map[string]any{"reasons": r.Reasons},
			sub.ReturnNote.Comment)
	})
	return s.refusedBy(ctx, draftID, err, ErrOwnCase, ErrNotClaimed)
}

// Retry queues again a case that needs attention, by a supervisor's decision.
func (s *Service) Retry(ctx context.Context, u store.User, draftID int64) error {
	return s.DB.InTx(ctx, func(tx pgx.Tx) error {
		_, sub, err := s.locked(ctx, tx, u, draftID)
		if err != nil {
			return err
		}
		if sub.State != string(NeedsAttention) {
			return ErrNotAttention
		}
		return s.enqueue(ctx, tx, &sub, audit.SubmissionRetried)
	})
}

// Approvals lists the cases of supervisor u's branch that wait for a checker or need attention.
func (s *Service) Approvals(ctx context.Context, u store.User) ([]store.Submission, error) {
	return store.SubmissionsOfBranch(ctx, s.DB.Pool, u.Branch, []string{string(AwaitingApproval), string(NeedsAttention)})
}

// Correct reopens the draft of an onboarded customer for a correction, which the worker
// then sends as an update under the customer's ECRN.
func (s *Service) Correct(ctx context.Context, u store.User, draftID int64) error {
	return s.DB.InTx(ctx, func(tx pgx.Tx) error {
		return s.ReopenForUpdate(ctx, tx, u, draftID, "correction of an onboarded customer")
	})
}

// ReopenForUpdate is Correct within the caller's transaction, with the reason the trail keeps.
func (s *Service) ReopenForUpdate(ctx context.Context, tx pgx.Tx, u store.User, draftID int64, reason string) error {
	_, sub, err := s.locked(ctx, tx, u, draftID)
	if err != nil {
		return err
	}
	if err := check(State(sub.State), StateDraft); err != nil {
		return err
	}
	if err := store.SetDraftStatus(ctx, tx, draftID, store.DraftOpen, s.Now()); err != nil {
		return err
	}
	sub.Kind = KindUpdate
	return s.move(ctx, tx, &sub, StateDraft, audit.SubmissionReopened, map[string]any{"ecrn": sub.ECRN}, reason)
}

// StepUpRefused records a step-up that failed by another proof than the password, and why.
func (s *Service) StepUpRefused(ctx context.Context, draftID int64, why error) error {
	return s.refuse(ctx, audit.StepUpFailed, draftID, fmt.Errorf("%w: %v", ErrStepUp, why))
}
