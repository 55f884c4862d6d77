package bench

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Ceiling is the rate the machine could serve if CPU were the only limit: its cores
// divided by the CPU time one request of step s cost (portal, client and database).
func Ceiling(s Step) float64 {
	per := s.CPUPerRequest()
	if per <= 0 {
		return 0
	}
	return float64(runtime.NumCPU()) / per.Seconds()
}

// Waits counts, over samples of pg_stat_activity, the busy client backends and those
// among them waiting on an advisory lock.
type Waits struct {
	Samples  int // readings taken
	Busy     int // backends not idle, summed over the readings
	Advisory int // of those, waiting on Lock:advisory
}

// SampleWaits reads pg_stat_activity every interval until stop is called, and returns the
// counts then.
func SampleWaits(ctx context.Context, pool *pgxpool.Pool, interval time.Duration) (stop func() Waits) {
	var w Waits
	var mu sync.Mutex
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var busy, advisory int
			err := pool.QueryRow(ctx, `SELECT count(*),
					count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory')
				FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
				AND state <> 'idle' AND pid <> pg_backend_pid()`).
				Scan(&busy, &advisory)
			if err == nil {
				mu.Lock()
				w.Samples++
				w.Busy += busy
				w.Advisory += advisory
				mu.Unlock()
			}
		}
	}()
	return func() Waits {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		return w
	}
}
