package casework

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/cdp/cdptest"
	"kycportal/internal/e2e"
)

// TestReviewNoChangeJourney: a customer's periodic review is on the branch's worklist; the
// agent opens it and confirms that nothing changed; the supervisor sees it awaiting
// approval, opens it, reads the customer's record, the agent's note and the next due
// date, and approves with their password; the item leaves the worklist and the agent's
// open page counts the news in its inbox without a reload.
func TestReviewNoChangeJourney(t *testing.T) {
	t.Parallel()
	p := e2e.Shared(t)
	agent, supervisor := p.NewUser("agent"), p.NewUser("supervisor")
	reviewDue(t, p, agent)

	page := p.SignedIn(t, agent)
	_, err := page.Goto("/worklist")
	e2e.Check(t, err)
	e2e.Check(t, page.GetByTestId("open-item").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("work-item-record")).ToContainText("Dubai Ports"))
	e2e.Check(t, page.GetByTestId("review-note").Fill("Met the customer at the branch: same address, employer and ID."))
	e2e.Check(t, page.GetByTestId("review-confirm").Click())
	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("work-item-awaiting")).ToBeVisible())
	p.Capture(page, "review-confirmed")
	markPage(t, page)

	checker := p.SignedIn(t, supervisor)
	_, err = checker.Goto("/worklist")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("review-awaiting")).ToBeVisible())
	e2e.Check(t, checker.GetByTestId("open-item").Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("review-history")).ToContainText("same address, employer and ID"))
	next := time.Now().UTC().AddDate(0, 24, 0).Format(time.DateOnly) // medium risk: every 24 months
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("review-next-due")).ToContainText(next))
	p.Capture(checker, "review-to-approve")
	e2e.Check(t, checker.GetByTestId("step-up").Fill(supervisor.Password))
	e2e.Check(t, checker.GetByTestId("review-approve").Click())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("work-item-done")).ToBeVisible())
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("review-state").First()).ToHaveText("approved"))
	_, err = checker.Goto("/worklist")
	e2e.Check(t, err)
	e2e.Check(t, e2e.Expect.Locator(checker.GetByTestId("worklist-empty")).ToBeVisible())

	e2e.Check(t, e2e.Expect.Locator(page.GetByTestId("unread-count")).ToHaveText("1 unread", within30s))
	notReloaded(t, page)
}

// reviewDue gives agent a customer onboarded 23 months ago, whose periodic review is due in
// a month, on the branch's worklist as the daily watch puts it (the portal's own watch of
// the day may run before or after: the item is the same, once).
func reviewDue(t *testing.T, p *e2e.Portal, agent e2e.User) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, p.DSN)
	e2e.Check(t, err)
	defer conn.Close(ctx)
	var draft int64
	err = conn.QueryRow(ctx, `INSERT INTO drafts (country, pack_version, id_type, id_number, issued_country, branch, status,
		values, created_by, updated_by, created_at, updated_at)
		SELECT 'AE', 1, '4', $2, 'AE', branch, 'submitted',
			'{"first_name": "Omar", "last_name": "Saleh", "employer_name": "Dubai Ports"}', id, id,
			now() - interval '23 months', now() - interval '23 months'
		FROM users WHERE username = $1 RETURNING id`, agent.Username, cdptest.EmiratesID(6002)).Scan(&draft)
	e2e.Check(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO submissions (draft_id, state, country, branch, maker_id, ecrn, submitted_at, updated_at)
		SELECT id, 'onboarded', 'AE', branch, created_by, '7841000000000031', created_at, created_at FROM drafts WHERE id = $1`, draft)
	e2e.Check(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO worklist_items (branch, draft_id, ecrn, kind, due_on, risk, found_on)
		SELECT branch, id, '7841000000000031', 'review', ((updated_at AT TIME ZONE 'UTC')::date + interval '24 months')::date,
			'medium', current_date FROM drafts WHERE id = $1 ON CONFLICT DO NOTHING`, draft)
	e2e.Check(t, err)
}
