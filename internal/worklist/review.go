package worklist

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/auth"
	"kycportal/internal/store"
	"kycportal/internal/submission"
)

// Refusal is a rule of the "no change" review that refuses a request; Key is its message in
// the catalogues (internal/i18n), which the page shows in the viewer's language.
type Refusal struct {
	Key, why string
}

func (r *Refusal) Error() string { return r.why }

// The refusals of a review confirmation and its decision.
var (
	ErrNoteLength      = &Refusal{"review.error_note", "write a note of 3 to 500 characters"}
	ErrCommentLength   = &Refusal{"review.error_comment", "write a comment of 3 to 1000 characters"}
	ErrNotReview       = &Refusal{"review.error_not_review", "only a periodic review is confirmed without change"}
	ErrItemDone        = &Refusal{"review.error_done", "this item is done"}
	ErrReviewWaiting   = &Refusal{"review.error_waiting", "a confirmation of this review waits for a checker"}
	ErrNothingToDecide = &Refusal{"review.error_nothing", "no confirmation of this review waits for a decision"}
	ErrOwnReview       = &Refusal{"review.error_own", "you confirmed this review: another supervisor must check it"}
	ErrStepUp          = &Refusal{"review.error_step_up", "the password is not right"}
)

// Notice kinds of a review's decision, to the agent who confirmed it.
const (
	NoticeReviewApproved = "review_approved"
	NoticeReviewReturned = "review_returned"
)

// ItemReview is what an item's page shows: the item, the customer's record as the portal
// last sent it (what a "no change" confirmation confirms), the confirmations and decisions,
// and the date of the next review that an approval today would set.
type ItemReview struct {
	Item          store.WorklistItem
	Record        map[string]string
	Confirmations []store.ReviewConfirmation
	NextDue       time.Time
}

// Show reads an item of u's branch for its page, audited as a view of the customer's record.
func (s *Service) Show(ctx context.Context, u store.User, id int64) (ItemReview, error) {
	var r ItemReview
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		var err error
		ev := audit.Event{Action: audit.WorklistItemViewed, EntityType: "worklist_item", EntityID: strconv.FormatInt(id, 10)}
		if r.Item, err = s.read(ctx, tx, u, id, false); err != nil {
			return ev, err
		}
		d, err := store.DraftByID(ctx, tx, r.Item.DraftID, false)
		if err != nil {
			return ev, err
		}
		r.Record, r.NextDue = d.Values, s.nextDue(r.Item)
		r.Confirmations, err = store.ReviewConfirmations(ctx, tx, id)
		ev.After = map[string]any{"ecrn": r.Item.ECRN, "kind": r.Item.Kind}
		return ev, err
	})
	return r, err
}

// nextDue is the next review's date if the item's review were approved today: today plus
// the interval of the customer's risk.
func (s *Service) nextDue(it store.WorklistItem) time.Time {
	t := s.Now().UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, s.Rules.ReviewMonths[it.Risk], 0)
}

// ConfirmNoChange records agent u's confirmation that the customer of a review item is
// unchanged (their details, documents and activity), with a note of how it was checked; it
// waits for a checker.
func (s *Service) ConfirmNoChange(ctx context.Context, u store.User, id int64, note string) error {
	note = strings.TrimSpace(note)
	if n := len([]rune(note)); n < 3 || n > MaxNote {
		return ErrNoteLength
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		it, err := s.item(ctx, tx, u, id)
		ev := itemEvent(audit.WorklistReviewConfirmed, id, it.ECRN, note)
		switch {
		case err != nil:
		case it.Kind != "review":
			err = ErrNotReview
		case it.Done:
			err = ErrItemDone
		case it.Awaiting:
			err = ErrReviewWaiting
		default:
			err = store.AddReviewConfirmation(
				ctx,
				tx,
				store.ReviewConfirmation{ItemID: id, MakerID: u.ID, Note: note, ConfirmedAt: s.Now()},
			)
		}
		return ev, err
	})
}

// deciding reads and locks, for checker u, a review item whose confirmation waits, made by
// someone else; a confirmation of u's own is a refusal the trail keeps.
func (s *Service) deciding(
	ctx context.Context, tx pgx.Tx, u store.User, id int64,
) (store.WorklistItem, store.ReviewConfirmation, error) {
	it, err := s.item(ctx, tx, u, id)
	if err != nil {
		return it, store.ReviewConfirmation{}, err
	}
	list, err := store.ReviewConfirmations(ctx, tx, id)
	switch {
	case err != nil:
		return it, store.ReviewConfirmation{}, err
	case len(list) == 0 || list[0].State != "awaiting_approval":
		return it, store.ReviewConfirmation{}, ErrNothingToDecide
	case list[0].MakerID == u.ID:
		return it, list[0], ErrOwnReview
	}
	return it, list[0], nil
}

// refused records a rule's refusal of u's decision on an item, and returns it.
func (s *Service) refused(ctx context.Context, id int64, why error) error {
	err := audit.RecordAlone(ctx, s.DB.Pool, audit.Event{Action: audit.WorklistReviewRefused, EntityType: "worklist_item",
		EntityID: strconv.FormatInt(id, 10), Outcome: audit.Denied, Reason: why.Error()})
	return errors.Join(why, err)
}

// Approve approves the confirmation waiting on a review item once checker u proves they
// are at the keyboard (stepUp: their password, or their authenticator's code; it returns
// ErrStepUp, recorded, when not). The item leaves the worklist and the customer's next
// review falls due after the interval of their risk. The item is checked before the
// step-up, so that no password is spent on a review u may not decide.
func (s *Service) Approve(ctx context.Context, u store.User, id int64, stepUp func(context.Context) error) error {
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		_, _, err := s.deciding(ctx, tx, u, id)
		return err
	})
	if err == nil {
		err = stepUp(ctx)
	}
	if err == nil {
		err = audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
			it, rc, err := s.deciding(ctx, tx, u, id)
			next := s.nextDue(it)
			ev := audit.Event{
				Action:     audit.WorklistReviewApproved,
				EntityType: "worklist_item",
				EntityID:   strconv.FormatInt(id, 10),
				After: map[string]any{
					"ecrn":     it.ECRN,
					"risk":     it.Risk,
					"next_due": next.Format(time.DateOnly),
					"step_up":  true,
				},
			}
			if err != nil {
				return ev, err
			}
			return ev, s.decide(ctx, tx, it, rc, u, "approved", "", next)
		})
	}
	if errors.Is(err, ErrOwnReview) {
		return s.refused(ctx, id, err)
	}
	return err
}

// Return sends the confirmation waiting on a review item back to its agent with checker
// u's comment: the item stays on the worklist, to be confirmed again or renewed.
func (s *Service) Return(ctx context.Context, u store.User, id int64, comment string) error {
	comment = strings.TrimSpace(comment)
	if n := len([]rune(comment)); n < 3 || n > 1000 {
		return ErrCommentLength
	}
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		it, rc, err := s.deciding(ctx, tx, u, id)
		ev := itemEvent(audit.WorklistReviewReturned, id, it.ECRN, comment)
		if err != nil {
			return ev, err
		}
		return ev, s.decide(ctx, tx, it, rc, u, "returned", comment, time.Time{})
	})
	if errors.Is(err, ErrOwnReview) {
		return s.refused(ctx, id, err)
	}
	return err
}

// decide writes checker u's decision on rc; an approval closes the item. The agent who
// confirmed is told, in the same transaction.
func (s *Service) decide(
	ctx context.Context,
	tx pgx.Tx,
	it store.WorklistItem,
	rc store.ReviewConfirmation,
	u store.User,
	state, comment string,
	next time.Time,
) error {
	rc.State = state
	rc.CheckerID = u.ID
	rc.Comment = comment
	rc.DecidedAt = s.Now()
	rc.NextDue = next
	if err := store.DecideReviewConfirmation(ctx, tx, rc); err != nil {
		return err
	}
	n := store.Notification{
		UserID:    rc.MakerID,
		Branch:    it.Branch,
		DraftID:   it.DraftID,
		CreatedAt: s.Now(),
		Kind:      NoticeReviewReturned,
	}
	if state == "returned" {
		return submission.Notify(ctx, tx, n, "notice.review_returned", "ECRN", it.ECRN, "Comment", comment)
	}
	if err := store.CloseWorklistItem(ctx, tx, it.ID, s.Now()); err != nil {
		return err
	}
	n.Kind = NoticeReviewApproved
	return submission.Notify(ctx, tx, n, "notice.review_approved", "ECRN", it.ECRN, "Date", next.Format(time.DateOnly))
}

// StepUps checks that a signed-in user is at the keyboard (auth.Service): their password, or
// a code of their authenticator, under the sign-in throttling and recording failure.
type StepUps interface {
	CheckPassword(ctx context.Context, u store.User, password string, failure audit.Event) error
	CheckCode(ctx context.Context, u store.User, code string, failure audit.Event) error
}

// StepUp is the proof Approve asks of checker u for item id: their password, or, signed in
// through the identity provider (no password here), a code of their authenticator app. A
// wrong one is recorded and answers ErrStepUp.
func (s *Service) StepUp(u store.User, id int64, viaProvider bool, password, code string) func(context.Context) error {
	failure := audit.Event{
		Action:     audit.WorklistStepUpFailed,
		EntityType: "worklist_item",
		EntityID:   strconv.FormatInt(id, 10),
		Outcome:    audit.Denied,
	}
	return func(ctx context.Context) error {
		var err error
		if viaProvider {
			err = s.Login.CheckCode(ctx, u, strings.TrimSpace(code), failure)
		} else {
			err = s.Login.CheckPassword(ctx, u, password, failure)
		}
		if errors.Is(err, auth.ErrBadCredentials) {
			return ErrStepUp
		}
		return err
	}
}

// itemEvent is the audit event of action on worklist item id, a review of customer ecrn.
func itemEvent(action audit.Action, id int64, ecrn, reason string) audit.Event {
	return audit.Event{Action: action, EntityType: "worklist_item", EntityID: strconv.FormatInt(id, 10),
		After: map[string]any{"ecrn": ecrn}, Reason: reason}
}
