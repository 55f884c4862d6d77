package submission

import (
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// QueueName is the river queue of the CDP sends.
const QueueName = "cdp"

// QueueConfig is how a process takes part in the queue.
type QueueConfig struct {
	Worker       *Worker // nil: the client only inserts jobs
	Concurrency  int     // sends at once
	Log          *slog.Logger
	JobTimeout   time.Duration              // one run: a lookup and an onboard, each within the CDP client's timeout
	RescueAfter  time.Duration              // a run still marked running this long after it started died with its process
	PollInterval time.Duration              // how often to look for due retries; 0: river's default
	Cooldown     time.Duration              // least time between two fetches of jobs; 0: river's default (100 ms)
	Register     func(*river.Workers) error // more workers on the same queue (the worklist's watch)
	Periodic     []*river.PeriodicJob       // jobs the elected leader of the replicas inserts on a schedule
}

// How serve works the queue. A send mostly waits on the CDP, so many run at once; river
// fetches jobs at most once a cooldown, and its default 100 ms held 4 sends to 40 a second
// however fast the CDP answered (docs/performance.md).
const (
	ServeConcurrency = 16
	ServeCooldown    = 10 * time.Millisecond
)

// NewQueue is a river client on pool: one that works the CDP queue when c has a worker.
func NewQueue(pool *pgxpool.Pool, c QueueConfig) (*river.Client[pgx.Tx], error) {
	cfg := &river.Config{Logger: c.Log, SkipUnknownJobCheck: c.Worker == nil}
	if c.Worker != nil {
		workers := river.NewWorkers()
		if err := river.AddWorkerSafely(workers, c.Worker); err != nil {
			return nil, err
		}
		if err := river.AddWorkerSafely(workers, &CheckWorker{send: c.Worker}); err != nil {
			return nil, err
		}
		if c.Register != nil {
			if err := c.Register(workers); err != nil {
				return nil, err
			}
		}
		cfg.PeriodicJobs = c.Periodic
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{QueueName: {MaxWorkers: max(c.Concurrency, 1)}}
		cfg.JobTimeout, cfg.RescueStuckJobsAfter = c.JobTimeout, c.RescueAfter
		cfg.FetchPollInterval, cfg.FetchCooldown = c.PollInterval, min(c.PollInterval, river.FetchCooldownDefault)
		if c.Cooldown > 0 {
			cfg.FetchCooldown = c.Cooldown
		}
	}
	return river.NewClient(riverpgxv5.New(pool), cfg)
}
