package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
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

// StateCount is how many times submissions entered a state today, in 7 and in 30 days.
type StateCount struct {
	State              string
	Today, Week, Month int
}

// AgentCount is one maker's submissions over 30 days, and the returns they met in them.
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

// BranchDashboard gathers the dashboard as of now; today starts at midnight in loc.
func BranchDashboard(
	ctx context.Context, q Querier, branch string, now time.Time, loc *time.Location,
) (Dashboard, error) {
	var d Dashboard
	today := midnight(now, loc)
	for _, step := range []func(context.Context, Querier, string, time.Time, *Dashboard) error{
		dashQueue, dashMedian, dashAgents, dashReasons, dashCDP,
	} {
		if err := step(ctx, q, branch, now, &d); err != nil {
			return d, fmt.Errorf("store.BranchDashboard(%q): %w", branch, err)
		}
	}
	if err := dashStates(ctx, q, branch, now, today, &d); err != nil {
		return d, fmt.Errorf("store.BranchDashboard(%q): %w", branch, err)
	}
	return d, nil
}

// midnight is the start of now's day in loc.
func midnight(now time.Time, loc *time.Location) time.Time {
	y, m, day := now.In(loc).Date()
	return time.Date(y, m, day, 0, 0, 0, 0, loc)
}

// countedStates are the states the dashboard counts entries into; the others are steps on
// the way (queued, sending) that say nothing to a supervisor.
var countedStates = []string{
	"awaiting_approval",
	"returned",
	"rejected",
	"onboarded",
	"under_investigation",
	"needs_attention",
}

// inBranch limits a query on submissions s to the branch, unless it is "".
const inBranch = `($1 = '' OR s.branch = $1)`

// dashStates counts the entries into each state from the trail: a submission returned
// three times in the month counts three returns, whatever its state now.
func dashStates(ctx context.Context, q Querier, branch string, now, today time.Time, d *Dashboard) error {
	entries, err := audit.StateEntriesSince(
		ctx,
		q,
		branch,
		today,
		now.AddDate(0, 0, -7),
		now.AddDate(0, 0, -30),
		countedStates,
	)
	for _, e := range entries {
		d.States = append(d.States, StateCount{State: e.State, Today: e.Since1, Week: e.Since2, Month: e.From})
	}
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

// dashAgents counts each maker's submissions of 30 days, those onboarded, and the returns
// they met in the trail (a submission returned twice counts two).
func dashAgents(ctx context.Context, q Querier, branch string, now time.Time, d *Dashboard) error {
	since := now.AddDate(0, 0, -30)
	rows, err := q.Query(ctx, `SELECT u.username, s.draft_id, s.state = 'onboarded'
		FROM submissions s JOIN users u ON u.id = s.maker_id
		WHERE `+inBranch+` AND s.submitted_at >= $2`, branch, since)
	if err != nil {
		return err
	}
	type sent struct {
		Maker     string
		DraftID   int64
		Onboarded bool
	}
	subs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[sent])
	if err != nil {
		return err
	}
	ids := make([]int64, len(subs))
	for i, s := range subs {
		ids[i] = s.DraftID
	}
	returns, err := audit.EntriesOf(ctx, q, ids, "returned", since)
	if err != nil {
		return err
	}
	byMaker := map[string]*AgentCount{}
	for _, s := range subs {
		a := byMaker[s.Maker]
		if a == nil {
			a = &AgentCount{Username: s.Maker}
			byMaker[s.Maker] = a
		}
		a.Submitted++
		a.Returned += returns[s.DraftID]
		if s.Onboarded {
			a.Onboarded++
		}
	}
	for _, a := range byMaker {
		d.Agents = append(d.Agents, *a)
	}
	slices.SortFunc(d.Agents, func(a, b AgentCount) int {
		return cmp.Or(cmp.Compare(b.Submitted, a.Submitted), strings.Compare(a.Username, b.Username))
	})
	d.Agents = d.Agents[:min(len(d.Agents), 20)]
	return nil
}

// dashReasons lists the latest returns and rejections of 30 days from the trail: a
// checker's comment is its event's reason; the CDP's message is on the submission's note.
func dashReasons(ctx context.Context, q Querier, branch string, now time.Time, d *Dashboard) error {
	entries, err := audit.LatestEntries(ctx, q, branch, now.AddDate(0, 0, -30), []string{"returned", "rejected"}, 10)
	if err != nil {
		return err
	}
	var ids []int64
	for _, e := range entries {
		ids = append(ids, e.DraftID)
	}
	notes := map[int64]string{}
	rows, err := q.Query(ctx, `SELECT draft_id, coalesce(return_note->>'comment', '') FROM submissions
		WHERE draft_id = ANY($1)`, ids)
	if err == nil {
		var id int64
		var comment string
		_, err = pgx.ForEachRow(rows, []any{&id, &comment}, func() error { notes[id] = comment; return nil })
	}
	for _, e := range entries {
		r := ReturnReason{DraftID: e.DraftID, State: e.State, By: "checker", Comment: e.Reason, At: e.OccurredAt}
		if e.ByCDP {
			r.By = "cdp"
			r.Comment = cmp.Or(e.Reason, notes[e.DraftID])
		}
		d.Reasons = append(d.Reasons, r)
	}
	return err
}

// dashCDP reads the CDP's health off every call the trail records: the submission
// worker's attempts, and the agents' lookups (a search that reached the CDP), failed when
// the CDP could not answer. Only the attempts record their latency.
func dashCDP(ctx context.Context, q Querier, _ string, now time.Time, d *Dashboard) error {
	h, err := audit.CDPHealthSince(ctx, q, now.Add(-time.Hour))
	d.CDPCalls = h.Calls
	d.CDPFailures = h.Failures
	d.CDPLatencyP50 = h.P50
	d.CDPLatencyP95 = h.P95
	return err
}
