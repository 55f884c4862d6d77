package bench

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
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

// SampleWaits reads pg_stat_activity every interval, through a connection of its own
// (it neither takes nor waits for one of the portal's pool), until stop is called, and
// returns the counts then.
func SampleWaits(ctx context.Context, cfg *pgx.ConnConfig, interval time.Duration) (stop func() Waits, err error) {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench: the sampler's connection: %w", err)
	}
	var w Waits
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		defer conn.Close(ctx) // closes the connection even once ctx is done
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var busy, advisory int
			err := conn.QueryRow(ctx, `SELECT count(*),
					count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory')
				FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'
				AND state <> 'idle' AND pid <> pg_backend_pid()`).
				Scan(&busy, &advisory)
			if err == nil {
				w.Samples++
				w.Busy += busy
				w.Advisory += advisory
			}
		}
	}()
	return func() Waits {
		close(done)
		<-finished // w is the goroutine's until it has ended
		return w
	}, nil
}
