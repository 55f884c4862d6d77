package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/audit"
)

// Dashboard is what a supervisor's home shows of their branch ("" for the whole bank).
type Dashboard struct {
	States        []StateCount  // submissions by state over three periods
	QueueLength   int           // awaiting approval
	QueueOldest   time.Time     // zero when the queue is empty
	MedianToCDP   time.Duration // draft started → onboarded, over 30 days; 0 when none
	Onboarded30   int
	Agents        []AgentCount
	Reasons       []ReturnReason // the latest returns and rejections
	CDPCalls      int            // the last hour, all branches: the CDP is shared
	CDPFailures   int
	CDPLatencyP50 time.Duration
	CDPLatencyP95 time.Duration
}

// StateCount is how many submissions entered a state today, in 7 and in 30 days.
type StateCount struct {
	State              string
	Today, Week, Month int
}

// AgentCount is one maker's submissions over 30 days.
type AgentCount struct {
	Username                       string
	Submitted, Onboarded, Returned int
}

// ReturnReason is why a submission came back or was refused.
type ReturnReason struct {
	DraftID int64
	State   string
	By      string // checker or cdp
	Comment string
	At      time.Time
}

// BranchDashboard gathers the dashboard as of now; today starts at midnight UTC.
func BranchDashboard(ctx context.Context, q Querier, branch string, now time.Time) (Dashboard, error) {
	var d Dashboard
	for _, step := range []func(context.Context, Querier, string, time.Time, *Dashboard) error{
		dashStates, dashQueue, dashMedian, dashAgents, dashReasons, dashCDP,
	} {
		if err := step(ctx, q, branch, now, &d); err != nil {
			return d, fmt.Errorf("store.BranchDashboard(%q): %w", branch, err)
		}
	}
	return d, nil
}

// inBranch limits a query on submissions s to the branch, unless it is "".
const inBranch = `($1 = '' OR s.branch = $1)`

func dashStates(ctx context.Context, q Querier, branch string, now time.Time, d *Dashboard) error {
	today := now.UTC().Truncate(24 * time.Hour)
	rows, err := q.Query(ctx, `SELECT s.state,
			count(*) FILTER (WHERE s.submitted_at >= $2),
			count(*) FILTER (WHERE s.submitted_at >= $3),
			count(*)
		FROM submissions s WHERE `+inBranch+` AND s.submitted_at >= $4
		GROUP BY s.state ORDER BY s.state`, branch, today, now.AddDate(0, 0, -7), now.AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	d.States, err = pgx.CollectRows(rows, pgx.RowToStructByPos[StateCount])
	return err
}

func dashQueue(ctx context.Context, q Querier, branch string, _ time.Time, d *Dashboard) error {
	var oldest *time.Time
	err := q.QueryRow(ctx, `SELECT count(*), min(s.submitted_at) FROM submissions s
		WHERE `+inBranch+` AND s.state = 'awaiting_approval'`, branch).Scan(&d.QueueLength, &oldest)
	if oldest != nil {
		d.QueueOldest = *oldest
	}
	return err
}

func dashMedian(ctx context.Context, q Querier, branch string, now time.Time, d *Dashboard) error {
	var median *float64
	err := q.QueryRow(ctx, `SELECT count(*), percentile_cont(0.5) WITHIN GROUP (
			ORDER BY extract(epoch FROM s.updated_at - dr.created_at))
		FROM submissions s JOIN drafts dr ON dr.id = s.draft_id
		WHERE `+inBranch+` AND s.state = 'onboarded' AND s.updated_at >= $2`,
		branch, now.AddDate(0, 0, -30)).Scan(&d.Onboarded30, &median)
	if median != nil {
		d.MedianToCDP = time.Duration(*median * float64(time.Second))
	}
	return err
}

func dashAgents(ctx context.Context, q Querier, branch string, now time.Time, d *Dashboard) error {
	rows, err := q.Query(ctx, `SELECT u.username, count(*),
			count(*) FILTER (WHERE s.state = 'onboarded'),
			count(*) FILTER (WHERE s.state = 'returned')
		FROM submissions s JOIN users u ON u.id = s.maker_id
		WHERE `+inBranch+` AND s.submitted_at >= $2
		GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 20`, branch, now.AddDate(0, 0, -30))
	if err != nil {
		return err
	}
	d.Agents, err = pgx.CollectRows(rows, pgx.RowToStructByPos[AgentCount])
	return err
}

func dashReasons(ctx context.Context, q Querier, branch string, _ time.Time, d *Dashboard) error {
	rows, err := q.Query(ctx, `SELECT s.draft_id, s.state, coalesce(s.return_note->>'by', ''),
			coalesce(s.return_note->>'comment', ''), s.updated_at
		FROM submissions s WHERE `+inBranch+` AND s.state IN ('returned', 'rejected')
		ORDER BY s.updated_at DESC LIMIT 10`, branch)
	if err != nil {
		return err
	}
	d.Reasons, err = pgx.CollectRows(rows, pgx.RowToStructByPos[ReturnReason])
	return err
}

// dashCDP reads the CDP's health off the attempts the submission worker records.
func dashCDP(ctx context.Context, q Querier, _ string, now time.Time, d *Dashboard) error {
	h, err := audit.CDPHealthSince(ctx, q, now.Add(-time.Hour))
	d.CDPCalls, d.CDPFailures, d.CDPLatencyP50, d.CDPLatencyP95 = h.Calls, h.Failures, h.P50, h.P95
	return err
}
