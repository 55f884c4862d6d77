package worklist

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kycportal/internal/store"
)

// TestReviewConfirmedWithoutChange: a periodic review falls due; the agent confirms that
// nothing changed; the checker returns it once, then approves it with the step-up (a wrong
// password refused and audited). Approved, the item leaves the worklist, the agent is told,
// and the next review falls due after the risk's interval: the watch adds it then, not before.
func TestReviewConfirmedWithoutChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	checker := e.user("sara", store.RoleSupervisor, "DXB-01")
	// medium risk: a review every 24 months, due 2027-02-01, inside the 60-day window of day0
	e.customer(
		"7841000000000007",
		time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC),
		map[string]string{"date_of_expiry": "2031-01-01"},
	)
	if _, list := e.watch(); !slices.Equal(list, []string{"7841000000000007 review"}) {
		t.Fatalf("worklist %q, want the review", list)
	}
	items, _ := e.svc.List(context.Background(), e.agent)
	id, ctx := items[0].ID, context.Background()
	if err := e.svc.ConfirmNoChange(ctx, e.agent, id, "ok"); !errors.Is(err, ErrNoteLength) {
		t.Errorf("a 2-character note: %v, want refused", err)
	}
	confirm := func() {
		t.Helper()
		if err := e.svc.ConfirmNoChange(ctx, e.agent, id, "Called the customer: same address, employer and ID."); err != nil {
			t.Fatal(err)
		}
	}
	confirm()
	if err := e.svc.ConfirmNoChange(ctx, e.agent, id, "again"); !errors.Is(err, ErrReviewWaiting) {
		t.Errorf("a second confirmation: %v, want refused while one waits", err)
	}
	// the one who confirmed may not approve it: the rule holds in the service, whatever the role
	if err := e.svc.Approve(ctx, e.agent, id, func(context.Context) error { return nil }); !errors.Is(err, ErrOwnReview) {
		t.Errorf("the maker approves: %v, want refused", err)
	}
	if err := e.svc.Return(ctx, checker, id, "Ask for the new payslip first."); err != nil {
		t.Fatal(err)
	}
	confirm()
	if err := e.svc.Approve(ctx, checker, id, e.svc.StepUp(checker, id, false, "not my password", "")); !errors.Is(
		err,
		ErrStepUp,
	) {
		t.Errorf("a wrong password: %v, want the step-up refused", err)
	}
	if err := e.svc.Approve(ctx, checker, id, e.svc.StepUp(checker, id, false, "correct horse battery staple", "")); err != nil {
		t.Fatal(err)
	}
	if _, list := e.watch(); len(list) != 0 {
		t.Errorf("worklist after the approval %q, want empty", list)
	}
	r, err := e.svc.Show(ctx, e.agent, id)
	if err != nil || !r.Item.Done || len(r.Confirmations) != 2 || r.Confirmations[0].State != "approved" ||
		r.Confirmations[0].NextDue.Format(
			time.DateOnly,
		) != "2029-01-10" || r.Confirmations[1].Comment != "Ask for the new payslip first." {
		t.Errorf(
			"item after the approval: %+v (%v), want done, approved with the next review on 2029-01-10 after one return",
			r,
			err,
		)
	}
	var events, notices int
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action IN ('worklist.review_confirmed',
		'worklist.review_returned',
		'worklist.review_approved') AND outcome = 'success') * 10 + count(*) FILTER (WHERE action IN ('worklist.step_up_failed',
		'worklist.review_refused') AND outcome = 'denied') FROM audit_events`).
		Scan(&events)
	_ = e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = $1 AND kind IN ('review_returned',
		'review_approved')`,
		e.agent.ID).
		Scan(&notices)
	if events != 42 || notices != 2 {
		t.Errorf("audit %d (want 4 decisions ×10 + 2 denials = 42), notices %d (want 2)", events, notices)
	}
	// The next review enters the window 60 days before 2029-01-10, once.
	e.clock.Advance(time.Date(2028, 11, 10, 9, 0, 0, 0, time.UTC).Sub(e.clock.Now()))
	if _, list := e.watch(); len(list) != 0 {
		t.Errorf("61 days before the next review: %q, want nothing yet", list)
	}
	e.clock.Advance(24 * time.Hour)
	if _, list := e.watch(); !slices.Equal(list, []string{"7841000000000007 review"}) {
		t.Errorf("60 days before the next review: %q, want it", list)
	}
}

// TestOnlyReviewsAreConfirmedWithoutChange: an expiring ID needs a renewal.
func TestOnlyReviewsAreConfirmedWithoutChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.customer("7841000000000008", day0.AddDate(-1, 0, 0), map[string]string{"date_of_expiry": "2027-02-01"})
	e.watch()
	items, _ := e.svc.List(context.Background(), e.agent)
	if err := e.svc.ConfirmNoChange(context.Background(), e.agent, items[0].ID, "Called: nothing changed."); !errors.Is(
		err,
		ErrNotReview,
	) {
		t.Errorf("confirming an ID expiry: %v, want refused", err)
	}
}

// TestReturnNoticeInTheAgentsLanguage: the agent who confirmed is told in the language they
// chose, and a return's longest comment still fits the inbox (500 characters), cut.
func TestReturnNoticeInTheAgentsLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	checker := e.user("sara", store.RoleSupervisor, "DXB-01")
	ctx := context.Background()
	if err := store.SetUserLanguage(ctx, e.db.Pool, e.agent.ID, "ar"); err != nil {
		t.Fatal(err)
	}
	e.customer("7841000000000009", time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC), nil)
	e.watch()
	items, _ := e.svc.List(ctx, e.agent)
	if err := e.svc.ConfirmNoChange(ctx, e.agent, items[0].ID, "Called: nothing changed."); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Return(ctx, checker, items[0].ID, strings.Repeat("c", 1000)); err != nil {
		t.Fatal(err)
	}
	var message string
	err := e.db.Pool.QueryRow(ctx, `SELECT message FROM notifications WHERE kind = 'review_returned'`).Scan(&message)
	if err != nil || !strings.HasPrefix(message, "أعاد المدقق") || utf8.RuneCountInString(message) != 500 ||
		!strings.HasSuffix(message, "…") {
		t.Errorf(
			"notice %.60q… of %d characters (%v), want Arabic, cut at 500",
			message,
			utf8.RuneCountInString(message),
			err,
		)
	}
}
