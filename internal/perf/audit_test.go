package perf

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"kycportal/internal/audit"
	"kycportal/internal/bench"
)

// appendRun is one audit append throughput run: writers appending events alone, each in
// its own transaction, for appendFor.
type appendRun struct {
	writers int
	events  int
	rate    float64 // events committed a second
	p99     time.Duration
	maxLag  time.Duration // the sealer's lag, sampled during the run (the new path only)
	drain   time.Duration // from the last append until nothing waited (the new path only)
}

// appendPair is the former locked append and today's, from the same number of writers.
type appendPair struct{ before, after appendRun }

// auditAppends measures audit appends from 1, 4, 16 and 64 writers, the former locked
// way (the baseline, perf_audit_locked_test.go) and today's while the sealer runs, and
// the sealer's lag under them (docs/performance.md).
func (p *perf) auditAppends() {
	p.createLockedTable()
	fmt.Fprintf(p.out, "Audit appends alone, %s per run. Before: the former append, reconstructed (advisory "+
		"transaction lock, read of the chain's end, insert; a copy of audit_events). After: audit.RecordAlone, "+
		"the sealer running as serve runs it:\n\n", p.cfg.appendFor)
	fmt.Fprintln(p.out, "| writers | before: committed/s | before: p99 append | after: committed/s | after: p99 append | "+
		"after: sealer lag, max | after: drained after |\n|--:|--:|--:|--:|--:|--:|--:|")
	for _, n := range p.cfg.appendWriters {
		writers := p.writersPool(n)
		before := p.appendRun(n, func(w, i int) error { return lockedAppend(p.ctx, writers, w, i) })
		p.drain() // the baseline queues nothing; what the lanes before left is sealed first
		after := p.appendRun(n, func(w, i int) error {
			return audit.RecordAlone(p.ctx, writers, audit.Event{Actor: benchWriter(w), Action: audit.DraftUpdated,
				EntityType: "draft", EntityID: strconv.Itoa(i), After: map[string]any{"current_city": newCity(i)}})
		})
		after.drain = p.drain()
		writers.Close()
		p.appends = append(p.appends, appendPair{before, after})
		fmt.Fprintf(p.out, "| %d | %.0f | %s | %.0f | %s | %s | %s |\n", n, before.rate, bench.Millis(before.p99),
			after.rate, bench.Millis(after.p99), bench.Millis(after.maxLag), bench.Millis(after.drain))
	}
	fmt.Fprint(p.out, "\n")
}

// writersPool is a pool of n connections, one a writer: the portal's own pool has a few,
// and writers queueing on it would not reach the database at once.
func (p *perf) writersPool(n int) *pgxpool.Pool {
	cfg := p.db.Pool.Config()
	cfg.MaxConns = int32(n) // #nosec G115 -- at most 64
	pool, err := pgxpool.NewWithConfig(p.ctx, cfg)
	if err != nil {
		p.t.Fatal(err)
	}
	return pool
}

// appendRun runs writers goroutines calling appendOne as fast as they can for appendFor,
// sampling the sealer's lag meanwhile.
func (p *perf) appendRun(writers int, appendOne func(writer, i int) error) appendRun {
	ctx, stop := context.WithTimeout(p.ctx, p.cfg.appendFor)
	defer stop()
	lags := p.watchLag(ctx)
	var mu sync.Mutex
	var took []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			var mine []time.Duration
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := appendOne(w, i); err != nil {
					p.t.Error(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := appendRun{writers: writers, events: len(took), rate: float64(len(took)) / elapsed.Seconds(), maxLag: <-lags}
	slices.Sort(took)
	r.p99 = bench.Percentile(took, 99)
	return r
}

// watchLag samples the unsealed window until ctx ends and sends its largest lag.
func (p *perf) watchLag(ctx context.Context) <-chan time.Duration {
	out := make(chan time.Duration, 1)
	go func() {
		var worst time.Duration
		for ctx.Err() == nil {
			if w, err := audit.UnsealedWindow(p.ctx, p.db.Pool); err == nil {
				worst = max(worst, w.Lag)
			}
			select {
			case <-ctx.Done():
			case <-time.After(50 * time.Millisecond):
			}
		}
		out <- worst
	}()
	return out
}

// drain waits until the sealer has sealed everything (at most a minute) and says how long.
func (p *perf) drain() time.Duration {
	start := time.Now()
	for time.Since(start) < time.Minute {
		w, err := audit.UnsealedWindow(p.ctx, p.db.Pool)
		if err != nil {
			p.t.Fatal(err)
		}
		if w.Unsealed == 0 {
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.t.Errorf("the sealer left events waiting a minute after the appends")
	return time.Since(start)
}

// appendVerdicts: under the most writers, the sealer's lag stays within its alert, and
// appends no longer serialise: the new path commits at least as many as the locked one.
func (p *perf) appendVerdicts() []budget {
	if len(p.appends) == 0 {
		return []budget{{"audit appends measured", "not run", false}}
	}
	last := p.appends[len(p.appends)-1]
	return []budget{
		{fmt.Sprintf("sealer lag ≤ %s under %d writers", bench.Millis(audit.LagAlert), last.after.writers),
			fmt.Sprintf(
				"max %s, %.0f events/s",
				bench.Millis(last.after.maxLag),
				last.after.rate,
			), last.after.maxLag <= audit.LagAlert},
		{fmt.Sprintf("appends from %d writers: after ≥ before (the locked append)", last.after.writers),
			fmt.Sprintf("%.0f/s after, %.0f/s before", last.after.rate, last.before.rate), last.after.rate >= last.before.rate},
	}
}
