package perf

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"kycportal/internal/app"
	"kycportal/internal/bench"
	"kycportal/internal/cdp/sandbox/sandboxtest"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
	"kycportal/internal/worklist"
)

// jobRun is one timed run of a job on a schedule.
type jobRun struct {
	job, schedule, what string
	rows                int64
	took                time.Duration
}

// jobs times one run of each job the portal runs on a schedule, on the seeded data
// (docs/performance.md): the worklist's daily watch (ID and visa expiries and review due
// dates, one statement), its first run on a fresh database and the next day's; a day's
// sweep of the checks of cases under investigation at the CDP; the purge of notifications
// older than 90 days; the session sweep. The purges run in a transaction rolled back, so
// that a reused benchmark database keeps its data.
func (p *perf) jobs() {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	client := sandboxtest.Client(p.t, log, 0) // in this process: the jobs are timed by the clock, not by CPU
	services := p.services(client, log, packs.Default(), &app.WorkerOptions{Concurrency: submission.ServeConcurrency,
		Cooldown: submission.ServeCooldown, JobTimeout: time.Minute, RescueAfter: 5 * time.Minute})
	p.exec(`DELETE FROM notifications WHERE kind IN ('expiry_due', 'review_due')`, `DELETE FROM worklist_items`,
		`DELETE FROM worklist_runs`) // the watch's first run again, whatever ran on this database before
	today := time.Now().UTC()
	runs := []jobRun{p.watchRun(services.Worklist, today, "first run: every customer already due"),
		p.watchRun(services.Worklist, today.AddDate(0, 0, 1), "the next day: what entered the window")}
	runs = append(runs, p.checkSweep(services),
		p.rolledBack("notification purge", "with `portal retention purge`", "notifications older than 90 days, 91 days on",
			func(tx pgx.Tx) (int64, error) {
				return store.NotificationsBefore(p.ctx, tx, today.AddDate(0, 0, 1), true)
			}),
		p.rolledBack("session sweep", "every 5 min, each replica", "sessions idle for 30 min",
			func(tx pgx.Tx) (int64, error) {
				return store.DeleteSessionsIdleSince(p.ctx, tx, today.Add(-30*time.Minute))
			}))
	var customers int64
	_ = p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FROM drafts`).Scan(&customers)
	fmt.Fprintf(p.out, "Jobs on a schedule, one run each on %d seeded customers:\n\n", customers)
	fmt.Fprintln(p.out, "| job | when | run | rows | time |")
	fmt.Fprintln(p.out, "|---|---|---|--:|--:|")
	for _, r := range runs {
		fmt.Fprintf(p.out, "| %s | %s | %s | %d | %s |\n", r.job, r.schedule, r.what, r.rows, bench.Millis(r.took))
	}
	fmt.Fprintln(p.out)
}

// exec runs statements that prepare a measurement.
func (p *perf) exec(statements ...string) {
	for _, sql := range statements {
		if _, err := p.db.Pool.Exec(p.ctx, sql); err != nil {
			p.t.Fatalf("%s: %v", sql, err)
		}
	}
}

// watchRun times the worklist's watch of day, as its river job runs it.
func (p *perf) watchRun(w *worklist.Service, day time.Time, what string) jobRun {
	start := time.Now()
	ran, added, err := w.Watch(p.ctx, day)
	if err != nil || !ran {
		p.t.Fatalf("the watch of %s: ran %v, %v", day.Format(time.DateOnly), ran, err)
	}
	return jobRun{
		job:      "worklist_watch",
		schedule: fmt.Sprintf("daily %02d:00 UTC, once across replicas", worklist.WatchHour),
		what:     what,
		rows:     int64(added),
		took:     time.Since(start),
	}
}

// checkSweep times the checks of the cases under investigation, each once, as the queue's
// workers run them against the sandbox in its own process: once a case's backoff reached a
// day, this is a day's sweep. At most checkCases of them; the check each schedules next is
// removed afterwards.
func (p *perf) checkSweep(services *app.App) jobRun {
	limit := 20_000
	if !p.cfg.full {
		limit = 5
	}
	rows, err := p.db.Pool.Query(
		p.ctx,
		`SELECT draft_id FROM submissions WHERE state = 'under_investigation' LIMIT $1`,
		limit,
	)
	if err != nil {
		p.t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		p.t.Fatalf("no seeded case under investigation (%v)", err)
	}
	params := make([]river.InsertManyParams, len(ids))
	for i, id := range ids {
		params[i] = river.InsertManyParams{Args: submission.CheckArgs{DraftID: id, Check: 1}}
	}
	q := services.Queue
	inserted, err := q.InsertMany(p.ctx, params)
	if err != nil {
		p.t.Fatal(err)
	}
	jobIDs := make([]int64, len(inserted))
	for i, r := range inserted {
		jobIDs[i] = r.Job.ID
	}
	ctx, stop := context.WithCancel(p.ctx)
	start := time.Now()
	if err := q.Start(ctx); err != nil {
		p.t.Fatal(err)
	}
	p.waitJobs(jobIDs)
	took := time.Since(start)
	stop()
	<-q.Stopped()
	_, err = p.db.Pool.Exec(p.ctx, `DELETE FROM river_job WHERE kind = 'submission_check' AND state = 'scheduled'
		AND (args->>'draft_id')::bigint = ANY($1)`, ids)
	if err != nil {
		p.t.Fatal(err)
	}
	var open int64
	_ = p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FROM submissions WHERE state = 'under_investigation'`).Scan(&open)
	return jobRun{job: "submission_check", schedule: "per case: 15 min, 1 h, 4 h, 16 h, then daily",
		what: fmt.Sprintf(
			"%d cases checked once, of %d under investigation",
			len(ids),
			open,
		), rows: int64(len(ids)), took: took}
}

// waitJobs waits, up to ten minutes, until river completed every job of ids.
func (p *perf) waitJobs(ids []int64) {
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var done, failed int
		err := p.db.Pool.QueryRow(p.ctx, `SELECT count(*) FILTER (WHERE state = 'completed'),
			count(*) FILTER (WHERE state IN ('discarded', 'cancelled', 'retryable')) FROM river_job WHERE id = ANY($1)`, ids).Scan(&done, &failed)
		switch {
		case err != nil:
			p.t.Fatal(err)
		case failed > 0:
			p.t.Fatalf("%d checks failed", failed)
		case done == len(ids):
			return
		case time.Now().After(deadline):
			p.t.Fatalf("%d of %d checks not done after ten minutes", len(ids)-done, len(ids))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// rolledBack times a purge in a transaction rolled back afterwards.
func (p *perf) rolledBack(job, schedule, what string, purge func(pgx.Tx) (int64, error)) jobRun {
	tx, err := p.db.Pool.Begin(p.ctx)
	if err != nil {
		p.t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(p.ctx) }()
	start := time.Now()
	n, err := purge(tx)
	if err != nil {
		p.t.Fatal(err)
	}
	return jobRun{job: job, schedule: schedule, what: what, rows: n, took: time.Since(start)}
}
