package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"kycportal/internal/audit"
	"kycportal/internal/bench"
)

// appendRun is one audit append throughput run: writers appending events alone, each in
// its own transaction, while the sealer runs.
type appendRun struct {
	writers int
	events  int
	rate    float64 // events committed a second
	p99     time.Duration
	maxLag  time.Duration // the sealer's lag, sampled during the run
	drain   time.Duration // from the last append until nothing waited
}

// auditAppends measures audit appends from 1, 4, 16 and 64 writers and the sealer's lag
// under them (docs/performance.md).
func (p *perf) auditAppends() {
	fmt.Fprintf(p.out, "Audit appends alone, %s per run, the sealer running:\n\n", p.cfg.appendFor)
	fmt.Fprintln(p.out, "| writers | events | committed/s | p99 append | sealer lag, max | drained after |\n|--:|--:|--:|--:|--:|--:|")
	for _, n := range p.cfg.appendWriters {
		r := p.appendRun(n)
		p.appends = append(p.appends, r)
		fmt.Fprintf(p.out, "| %d | %d | %.0f | %s | %s | %s |\n", r.writers, r.events, r.rate, bench.Millis(r.p99),
			bench.Millis(r.maxLag), bench.Millis(r.drain))
	}
	fmt.Fprint(p.out, "\n")
}

func (p *perf) appendRun(writers int) appendRun {
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
				err := audit.RecordAlone(p.ctx, p.db.Pool, audit.Event{Actor: audit.Actor{Username: "bench-writer-" + strconv.Itoa(w),
					Role: "agent", Branch: "DXB-01"}, Action: audit.DraftUpdated, EntityType: "draft", EntityID: strconv.Itoa(i),
					After: map[string]any{"current_city": newCity(i)}})
				if err != nil {
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
	r.drain = p.drain()
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

// appendVerdict: under the most writers, the sealer's lag stays within its alert.
func (p *perf) appendVerdict() budget {
	if len(p.appends) == 0 {
		return budget{"audit appends measured", "not run", false}
	}
	last := p.appends[len(p.appends)-1]
	return budget{fmt.Sprintf("sealer lag ≤ %s under %d writers", bench.Millis(audit.LagAlert), last.writers),
		fmt.Sprintf("max %s, %.0f events/s", bench.Millis(last.maxLag), last.rate), last.maxLag <= audit.LagAlert}
}
