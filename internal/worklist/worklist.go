// Package worklist watches the customers onboarded or updated through the portal: a daily
// job lists those whose ID or visa expires soon, or whose periodic review falls due, on their
// branch's worklist, where agents record their attempts to reach the customer and start the
// update case (docs/drafts.md). Every change commits with its audit event.
package worklist

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
	"kycportal/internal/drafts"
	"kycportal/internal/i18n"
	"kycportal/internal/store"
	"kycportal/internal/submission"
)

// Rules are the watch's settings.
type Rules struct {
	WindowDays   int            // an expiry or review enters the worklist this many days before it is due
	ReviewMonths map[string]int // months between two reviews, by risk: high, medium, low
}

// DefaultRules: 60 days ahead; reviews every year for high risk, 2 for medium, 5 for low.
var DefaultRules = Rules{WindowDays: 60, ReviewMonths: map[string]int{"high": 12, "medium": 24, "low": 60}}

// Service holds what the worklist needs.
type Service struct {
	DB          *store.DB
	Submissions *submission.Service // starts the update case of a renewal
	Login       StepUps             // a checker's proof at a review's approval
	Now         func() time.Time
	Rules       Rules
}

// Input limits and the outcomes of reaching a customer.
const (
	MaxNote  = 500
	PageSize = 500
)

// Outcomes are the results of an attempt to reach a customer.
var Outcomes = []string{"called", "visited", "refused"}

// ErrNotFound answers for an item the user may not see: another branch's, or none.
var ErrNotFound = errors.New("worklist item not found")

// Notice kinds of the watch.
const (
	NoticeExpiryDue = "expiry_due"
	NoticeReviewDue = "review_due"
)

// Watch runs the watch of day once, whatever the number of replicas or runs: it adds what
// entered the window, tells the agent who onboarded each customer, and records the run. It
// says whether this call was the day's run, and how many items it added.
func (s *Service) Watch(ctx context.Context, day time.Time) (bool, int, error) {
	ctx = audit.WithActor(ctx, audit.Actor{Username: "worklist-watch", Role: "system"})
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	var ran bool
	var added int
	err := s.DB.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		if ran, err = store.StartWatchRun(ctx, tx, day, s.Now()); err != nil || !ran {
			return err
		}
		items, err := store.WatchScan(
			ctx,
			tx,
			store.WatchRules{Today: day, Window: s.Rules.WindowDays, Review: s.Rules.ReviewMonths},
		)
		if err != nil {
			return err
		}
		notices, err := s.notices(ctx, tx, items)
		if err != nil {
			return err
		}
		if err := store.AddNotifications(ctx, tx, notices); err != nil {
			return err
		}
		added = len(items)
		if err := store.FinishWatchRun(ctx, tx, day, added); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: audit.WorklistWatched, EntityType: "worklist",
			EntityID: day.Format(time.DateOnly), After: map[string]any{"added": added, "window_days": s.Rules.WindowDays}})
	})
	return ran, added, err
}

// notices tell the agent who onboarded each item's customer, in the language that agent
// chose, that it came due.
func (s *Service) notices(ctx context.Context, tx pgx.Tx, items []store.WorklistItem) ([]store.Notification, error) {
	out := make([]store.Notification, 0, len(items))
	languages := map[int64]string{} // maker → chosen language, read once per maker
	for _, it := range items {
		language, ok := languages[it.MakerID]
		if !ok {
			u, err := store.UserByID(ctx, tx, it.MakerID)
			if err != nil {
				return nil, err
			}
			language, languages[it.MakerID] = u.Language, u.Language
		}
		kind := NoticeExpiryDue
		if it.Kind == "review" {
			kind = NoticeReviewDue
		}
		l := i18n.Pick(language, "")
		out = append(out, store.Notification{UserID: it.MakerID, Branch: it.Branch, Kind: kind, DraftID: it.DraftID,
			Message: submission.NoticeText(language, "notice.item_due", "ECRN", it.ECRN,
				"What", l.T("review.kind_"+it.Kind), "Date", it.DueOn.Format(time.DateOnly)), CreatedAt: s.Now()})
	}
	return out, nil
}

// KindLabel names an item's kind as people read it.
func KindLabel(kind string) string {
	switch kind {
	case "id_expiry":
		return "ID expires"
	case "visa_expiry":
		return "visa expires"
	}
	return "periodic review due"
}

// List is the worklist of user u's branch, the most urgent first.
func (s *Service) List(ctx context.Context, u store.User) ([]store.WorklistItem, error) {
	return store.Worklist(ctx, s.DB.Pool, u.Branch, PageSize)
}

// item reads and locks an item of u's branch; another branch's is not found, and asking for
// it is a denial the trail keeps.
func (s *Service) item(ctx context.Context, tx pgx.Tx, u store.User, id int64) (store.WorklistItem, error) {
	return s.read(ctx, tx, u, id, true)
}

// read is item, locking the item's row only when lock is set.
func (s *Service) read(ctx context.Context, tx pgx.Tx, u store.User, id int64, lock bool) (store.WorklistItem, error) {
	it, err := store.WorklistItemByID(ctx, tx, id, lock)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return it, ErrNotFound
	case err != nil:
		return it, err
	case it.Branch != u.Branch:
		err := audit.RecordAlone(ctx, s.DB.Pool, audit.Event{Action: audit.AccessDenied, EntityType: "worklist_item",
			EntityID: strconv.FormatInt(id, 10), Outcome: audit.Denied, Reason: "a worklist item of another branch"})
		return it, errors.Join(ErrNotFound, err)
	}
	return it, nil
}

// Contact records an attempt to reach an item's customer, audited.
func (s *Service) Contact(ctx context.Context, u store.User, id int64, outcome, note string) error {
	if !slices.Contains(Outcomes, outcome) {
		return drafts.FieldErrors{"outcome": "Choose called, visited or refused."}
	}
	if len([]rune(note)) > MaxNote {
		return drafts.FieldErrors{"note": "Write at most 500 characters."}
	}
	return audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		it, err := s.item(ctx, tx, u, id)
		if err == nil {
			err = store.AddWorklistContact(ctx, tx, id, outcome, note, u.ID, s.Now())
		}
		return audit.Event{Action: audit.WorklistContact, EntityType: "worklist_item", EntityID: strconv.FormatInt(id, 10),
			After: map[string]any{"outcome": outcome, "ecrn": it.ECRN, "kind": it.Kind}, Reason: note}, err
	})
}

// StartRenewal opens the update case of an item's customer: the draft that last onboarded or
// updated them, reopened to be sent as an update. A second start returns the same case.
func (s *Service) StartRenewal(ctx context.Context, u store.User, id int64) (int64, error) {
	var draftID int64
	err := audit.Apply(ctx, s.DB.Pool, func(tx pgx.Tx) (audit.Event, error) {
		it, err := s.item(ctx, tx, u, id)
		ev := audit.Event{
			Action:     audit.WorklistRenewalStarted,
			EntityType: "worklist_item",
			EntityID:   strconv.FormatInt(id, 10),
			After:      map[string]any{"draft_id": it.DraftID, "kind": it.Kind},
		}
		if err != nil {
			return ev, err
		}
		draftID = it.DraftID
		if it.RenewalID != 0 {
			draftID = it.RenewalID
			return ev, errAlreadyStarted
		}
		if err := s.Submissions.ReopenForUpdate(ctx, tx, u, it.DraftID, "renewal from the worklist: "+KindLabel(it.Kind)); err != nil {
			return ev, err
		}
		return ev, store.SetWorklistRenewal(ctx, tx, id, it.DraftID)
	})
	if errors.Is(err, errAlreadyStarted) {
		return draftID, nil
	}
	return draftID, err
}

// errAlreadyStarted rolls back the second start of a renewal, which changes nothing.
var errAlreadyStarted = errors.New("the renewal was started before")
