package worklist

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"kycportal/internal/submission"
)

// WatchArgs is the job of one day's watch.
type WatchArgs struct {
	Day string `json:"day"` // YYYY-MM-DD, UTC
}

// Kind names the job in river's table.
func (WatchArgs) Kind() string { return "worklist_watch" }

// InsertOpts puts the job on the portal's one queue, once per day whoever inserts it.
func (WatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: submission.QueueName, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// WatchWorker runs the watch of its job's day.
type WatchWorker struct {
	river.WorkerDefaults[WatchArgs]
	Service *Service
}

// Work runs the day's watch; a day another run took already is done.
func (w *WatchWorker) Work(ctx context.Context, job *river.Job[WatchArgs]) error {
	day, err := time.Parse(time.DateOnly, job.Args.Day)
	if err != nil {
		return river.JobCancel(err)
	}
	_, _, err = w.Service.Watch(ctx, day)
	return err
}

// WatchHour is when, in UTC, the daily watch runs.
const WatchHour = 2

// daily is a schedule at WatchHour every day.
type daily struct{}

func (daily) Next(t time.Time) time.Time {
	t = t.UTC()
	next := time.Date(t.Year(), t.Month(), t.Day(), WatchHour, 0, 0, 0, time.UTC)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}

// Periodic is the daily watch as river's elected leader inserts it, and once when a leader
// starts, so that a day the portal was down is caught up; now is the clock of the day.
func Periodic(now func() time.Time) *river.PeriodicJob {
	return river.NewPeriodicJob(daily{}, func() (river.JobArgs, *river.InsertOpts) {
		return WatchArgs{Day: now().UTC().Format(time.DateOnly)}, nil
	}, &river.PeriodicJobOpts{ID: "worklist_watch", RunOnStart: true})
}

// Register adds the watch's worker to a queue's workers.
func Register(s *Service) func(*river.Workers) error {
	return func(w *river.Workers) error { return river.AddWorkerSafely(w, &WatchWorker{Service: s}) }
}
