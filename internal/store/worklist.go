package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// WatchRules say when a customer enters the worklist: an ID or visa expiring within Window
// days (or expired), and a periodic review due within the same window, Review[risk] months
// after the customer was last onboarded or updated.
type WatchRules struct {
	Today  time.Time // the day of the run, UTC
	Window int       // days
	Review map[string]int
}

// WorklistItem is one customer to reach: an expiry or a review, with its due date.
type WorklistItem struct {
	ID         int64
	Branch     string
	DraftID    int64
	ECRN       string
	Kind       string // "id_expiry", "visa_expiry" or "review"
	DueOn      time.Time
	Risk       string
	FirstName  string
	LastName   string
	Country    string
	MakerID    int64
	RenewalID  int64 // 0: no update case started yet
	Contacts   int
	LastResult string // the last contact attempt's outcome, "" before any
	Awaiting   bool   // a "no change" confirmation of the review waits for a checker
	Done       bool   // closed by an approved review, or its renewal case went through
}

// StartWatchRun claims the watch of day: true for the one run, of any replica, that inserts it.
func StartWatchRun(ctx context.Context, q Querier, day time.Time, at time.Time) (bool, error) {
	tag, err := q.Exec(ctx, `INSERT INTO worklist_runs (day, started_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, day, at)
	if err != nil {
		return false, fmt.Errorf("store.StartWatchRun: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// watchScan adds the items that entered the window since they were last found: the latest
// onboarding or update of each customer (ECRN) decides its dates, branch and risk, and the
// later of it and the last approved "no change" review starts the review interval. The
// CASE guards each cast, which a filter the planner moves could otherwise run on a bad value.
const watchScan = `WITH latest AS (
	SELECT DISTINCT ON (s.ecrn) s.ecrn, s.draft_id, s.branch, s.updated_at, d.values AS v, d.created_by
	FROM submissions s JOIN drafts d ON d.id = s.draft_id
	WHERE s.state = 'onboarded' AND s.ecrn IS NOT NULL
	ORDER BY s.ecrn, s.updated_at DESC
), reviewed AS (
	SELECT w.ecrn, max(r.decided_at) AS at FROM review_confirmations r JOIN worklist_items w ON w.id = r.item_id
	WHERE r.state = 'approved' GROUP BY w.ecrn
), customers AS (
	SELECT l.ecrn, l.draft_id, l.branch, greatest(l.updated_at, r.at) AS updated_at, l.v, l.created_by
	FROM latest l LEFT JOIN reviewed r ON r.ecrn = l.ecrn
), rated AS (
	SELECT *, CASE WHEN v->>'political_exposed_person' = 'yes' OR v->>'dnfbp' = 'yes' OR v->>'dpms' = 'yes' THEN 'high'
		WHEN v->>'annual_income_range_id' = '1' THEN 'low' ELSE 'medium' END AS risk
	FROM customers
), due AS (
	SELECT ecrn, draft_id, branch, 'id_expiry' AS kind, NULL AS risk,
		CASE WHEN v->>'date_of_expiry' ~ '^\d{4}-\d{2}-\d{2}$' THEN (v->>'date_of_expiry')::date END AS due_on FROM rated
	UNION ALL
	SELECT ecrn, draft_id, branch, 'visa_expiry', NULL,
		CASE WHEN v->>'visa_expiry_date' ~ '^\d{4}-\d{2}-\d{2}$' THEN (v->>'visa_expiry_date')::date END FROM rated
	UNION ALL
	SELECT ecrn, draft_id, branch, 'review', risk,
		((updated_at AT TIME ZONE 'UTC')::date + make_interval(months => ($3::jsonb->>risk)::int))::date FROM rated
), added AS (
	INSERT INTO worklist_items (branch, draft_id, ecrn, kind, due_on, risk, found_on)
	SELECT branch, draft_id, ecrn, kind, due_on, risk, $1 FROM due WHERE due_on <= $1::date + $2::int
	ON CONFLICT DO NOTHING
	RETURNING id, branch, draft_id, ecrn, kind, due_on, coalesce(risk, '')
)
SELECT a.*, c.created_by FROM added a JOIN customers c ON c.draft_id = a.draft_id`

// WatchScan adds to the worklist what entered the window, once per customer, kind and due
// date, and returns the new items.
func WatchScan(ctx context.Context, q Querier, r WatchRules) ([]WorklistItem, error) {
	review, err := json.Marshal(r.Review)
	if err != nil {
		return nil, fmt.Errorf("store.WatchScan: %w", err)
	}
	rows, err := q.Query(ctx, watchScan, r.Today, r.Window, string(review))
	if err != nil {
		return nil, fmt.Errorf("store.WatchScan: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (WorklistItem, error) {
		var it WorklistItem
		err := row.Scan(&it.ID, &it.Branch, &it.DraftID, &it.ECRN, &it.Kind, &it.DueOn, &it.Risk, &it.MakerID)
		return it, err
	})
	if err != nil {
		return nil, fmt.Errorf("store.WatchScan: %w", err)
	}
	return out, nil
}

// FinishWatchRun records how many items the day's run added.
func FinishWatchRun(ctx context.Context, q Querier, day time.Time, items int) error {
	_, err := q.Exec(ctx, `UPDATE worklist_runs SET items = $2 WHERE day = $1`, day, items)
	if err != nil {
		return fmt.Errorf("store.FinishWatchRun: %w", err)
	}
	return nil
}

const worklistSelect = `SELECT w.id, w.branch, w.draft_id, w.ecrn, w.kind, w.due_on, coalesce(w.risk, ''),
	coalesce(d.values->>'first_name', ''), coalesce(d.values->>'last_name', ''), d.country, d.created_by,
	coalesce(w.renewal_id, 0), (SELECT count(*) FROM worklist_contacts c WHERE c.item_id = w.id),
	coalesce((SELECT outcome FROM worklist_contacts c WHERE c.item_id = w.id ORDER BY at DESC, id DESC LIMIT 1), ''),
	EXISTS (SELECT 1 FROM review_confirmations r WHERE r.item_id = w.id AND r.state = 'awaiting_approval'),
	w.closed_on IS NOT NULL OR EXISTS (SELECT 1 FROM submissions s WHERE s.draft_id = w.renewal_id AND s.state = 'onboarded')
	FROM worklist_items w JOIN drafts d ON d.id = w.draft_id`

func scanWorklistItem(row pgx.Row) (WorklistItem, error) {
	var it WorklistItem
	err := row.Scan(&it.ID, &it.Branch, &it.DraftID, &it.ECRN, &it.Kind, &it.DueOn, &it.Risk, &it.FirstName,
		&it.LastName, &it.Country, &it.MakerID, &it.RenewalID, &it.Contacts, &it.LastResult, &it.Awaiting, &it.Done)
	if errors.Is(err, pgx.ErrNoRows) {
		return it, ErrNotFound
	}
	return it, err
}

// Worklist lists a branch's items still to do, the most urgent (earliest due) first: an
// item leaves it when its review is approved or its renewal case is onboarded.
func Worklist(ctx context.Context, q Querier, branch string, limit int) ([]WorklistItem, error) {
	rows, err := q.Query(ctx, worklistSelect+` WHERE w.branch = $1 AND w.closed_on IS NULL
		AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.draft_id = w.renewal_id AND s.state = 'onboarded')
		ORDER BY w.due_on, w.id LIMIT $2`, branch, limit)
	if err != nil {
		return nil, fmt.Errorf("store.Worklist: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (WorklistItem, error) { return scanWorklistItem(r) })
	if err != nil {
		return nil, fmt.Errorf("store.Worklist: %w", err)
	}
	return out, nil
}

// WorklistItemByID reads one item; forUpdate locks it until the transaction ends.
func WorklistItemByID(ctx context.Context, q Querier, id int64, forUpdate bool) (WorklistItem, error) {
	sql := lockedIf(worklistSelect+` WHERE w.id = $1`, forUpdate, "w")
	it, err := scanWorklistItem(q.QueryRow(ctx, sql, id))
	if err != nil {
		return it, fmt.Errorf("store.WorklistItemByID(%d): %w", id, err)
	}
	return it, nil
}

// AddWorklistContact records one attempt to reach an item's customer.
func AddWorklistContact(
	ctx context.Context, q Querier, itemID int64, outcome, note string, by int64, at time.Time,
) error {
	_, err := q.Exec(
		ctx,
		`INSERT INTO worklist_contacts (item_id, outcome, note, by_user, at) VALUES ($1, $2, $3, $4, $5)`,
		itemID,
		outcome,
		note,
		by,
		at,
	)
	if err != nil {
		return fmt.Errorf("store.AddWorklistContact(%d): %w", itemID, err)
	}
	return nil
}

// SetWorklistRenewal links an item to the update case started from it.
func SetWorklistRenewal(ctx context.Context, q Querier, itemID, draftID int64) error {
	_, err := q.Exec(ctx, `UPDATE worklist_items SET renewal_id = $2 WHERE id = $1`, itemID, draftID)
	if err != nil {
		return fmt.Errorf("store.SetWorklistRenewal(%d): %w", itemID, err)
	}
	return nil
}

// ReviewConfirmation is an agent's "no change" confirmation of a periodic review and the
// checker's decision on it.
type ReviewConfirmation struct {
	ID          int64
	ItemID      int64
	MakerID     int64
	MakerName   string
	Note        string
	ConfirmedAt time.Time
	State       string // "awaiting_approval", "approved" or "returned"
	CheckerID   int64
	CheckerName string
	Comment     string
	DecidedAt   time.Time
	NextDue     time.Time // set by an approval
}

// AddReviewConfirmation records an agent's confirmation, awaiting a checker. A second one
// while one waits or after one was approved breaks a unique index: the caller checks first.
func AddReviewConfirmation(ctx context.Context, q Querier, rc ReviewConfirmation) error {
	_, err := q.Exec(
		ctx,
		`INSERT INTO review_confirmations (item_id, maker_id, note, confirmed_at) VALUES ($1, $2, $3, $4)`,
		rc.ItemID,
		rc.MakerID,
		rc.Note,
		rc.ConfirmedAt,
	)
	if err != nil {
		return fmt.Errorf("store.AddReviewConfirmation(%d): %w", rc.ItemID, err)
	}
	return nil
}

// ReviewConfirmations lists an item's confirmations and their decisions, the latest first.
func ReviewConfirmations(ctx context.Context, q Querier, itemID int64) ([]ReviewConfirmation, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.item_id, r.maker_id, m.username, r.note, r.confirmed_at, r.state,
		coalesce(r.checker_id, 0), coalesce(c.username, ''), r.comment, coalesce(r.decided_at, 'epoch'),
		coalesce(r.next_due, 'epoch')
		FROM review_confirmations r JOIN users m ON m.id = r.maker_id LEFT JOIN users c ON c.id = r.checker_id
		WHERE r.item_id = $1 ORDER BY r.id DESC`, itemID)
	if err != nil {
		return nil, fmt.Errorf("store.ReviewConfirmations(%d): %w", itemID, err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReviewConfirmation, error) {
		var rc ReviewConfirmation
		err := row.Scan(&rc.ID, &rc.ItemID, &rc.MakerID, &rc.MakerName, &rc.Note, &rc.ConfirmedAt, &rc.State,
			&rc.CheckerID, &rc.CheckerName, &rc.Comment, &rc.DecidedAt, &rc.NextDue)
		return rc, err
	})
	if err != nil {
		return nil, fmt.Errorf("store.ReviewConfirmations(%d): %w", itemID, err)
	}
	return out, nil
}

// DecideReviewConfirmation records a checker's decision on the confirmation waiting on an
// item; ErrNotFound when none waits.
func DecideReviewConfirmation(ctx context.Context, q Querier, rc ReviewConfirmation) error {
	var nextDue any
	if !rc.NextDue.IsZero() {
		nextDue = rc.NextDue
	}
	tag, err := q.Exec(ctx, `UPDATE review_confirmations SET state = $2, checker_id = $3, comment = $4, decided_at = $5,
		next_due = $6 WHERE item_id = $1 AND state = 'awaiting_approval'`,
		rc.ItemID, rc.State, rc.CheckerID, rc.Comment, rc.DecidedAt, nextDue)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.DecideReviewConfirmation(%d): %w", rc.ItemID, err)
	}
	return nil
}

// CloseWorklistItem takes an item off the worklist as of day.
func CloseWorklistItem(ctx context.Context, q Querier, itemID int64, day time.Time) error {
	_, err := q.Exec(ctx, `UPDATE worklist_items SET closed_on = $2 WHERE id = $1`, itemID, day)
	if err != nil {
		return fmt.Errorf("store.CloseWorklistItem(%d): %w", itemID, err)
	}
	return nil
}
