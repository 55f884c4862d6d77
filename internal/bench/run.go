package bench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// The lanes of a route, each a floor of the next.
const (
	F0   = "F0 database" // the SQL the handler runs, through the same pool, same parameters
	F1   = "F1 render"   // the component (or encoder) for the same view model
	F2   = "F2 HTTP"     // a constant route through the real middleware stack over loopback
	Full = "FULL"        // the real route: session, CSRF token, authorization, audit write
)

// Lane is one way of doing a route's work; Op does it once.
type Lane struct {
	Name string
	Op   func(ctx context.Context) error
}

// Route is a route measured by its lanes over Rounds rounds, after Warmup rounds that
// are run and not counted.
type Route struct {
	Name           string
	Warmup, Rounds int
	Lanes          []Lane
}

// Result is one lane's figures.
type Result struct {
	Route, Lane   string
	N             int
	P50, P90, P99 time.Duration
	AllocsPerOp   float64       // heap objects allocated per op, by the whole process
	CPUPerOp      time.Duration // CPU time per op, this process's and the database server's
}

// Run measures routes interleaved: every round runs each route's lanes once in turn (A, B,
// C, D, A, B, …), so that whatever else the machine does falls on every lane alike. cpu
// reads the CPU time each op costs, which, unlike its latency, other work on the machine
// does not inflate. A lane's first error stops the run.
func Run(ctx context.Context, routes []Route, cpu CPUMeter) ([]Result, error) {
	samples := make([][][]sample, len(routes))
	for i, r := range routes {
		samples[i] = make([][]sample, len(r.Lanes))
	}
	for round, more := 0, true; more; round++ {
		more = false
		for i, r := range routes {
			if round >= r.Warmup+r.Rounds {
				continue
			}
			more = true
			for j, l := range r.Lanes {
				s, err := measure(ctx, l.Op, cpu)
				if err != nil {
					return nil, fmt.Errorf("%s, %s, round %d: %w", r.Name, l.Name, round, err)
				}
				if round >= r.Warmup {
					samples[i][j] = append(samples[i][j], s)
				}
			}
		}
	}
	var out []Result
	for i, r := range routes {
		for j, l := range r.Lanes {
			out = append(out, result(r.Name, l.Name, samples[i][j]))
		}
	}
	return out, nil
}

type sample struct {
	took   time.Duration
	allocs uint64
	cpu    time.Duration
}

// allocs is the count of heap objects allocated so far. ReadMemStats stops the world to
// flush every P's counts, which runtime/metrics leaves coarse; it runs outside the timing.
func allocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// measure runs op once. The readings nest around it so that each leaves the others out:
// the server's CPU (files to read), then allocations (the world stopped), then this
// process's CPU.
func measure(ctx context.Context, op func(context.Context) error, cpu CPUMeter) (sample, error) {
	s0, err := cpu.Server()
	if err != nil {
		return sample{}, err
	}
	a0 := allocs()
	u0, start := cpu.Self(), time.Now()
	err = op(ctx)
	took, u1 := time.Since(start), cpu.Self()
	a1 := allocs()
	s1, cpuErr := cpu.Server()
	return sample{took, a1 - a0, u1 - u0 + s1 - s0}, errors.Join(err, cpuErr)
}

func result(route, lane string, s []sample) Result {
	res := Result{Route: route, Lane: lane, N: len(s)}
	if len(s) == 0 {
		return res
	}
	took := make([]time.Duration, len(s))
	var allocs uint64
	var cpu time.Duration
	for i, x := range s {
		took[i] = x.took
		allocs += x.allocs
		cpu += x.cpu
	}
	slices.Sort(took)
	res.P50 = Percentile(took, 50)
	res.P90 = Percentile(took, 90)
	res.P99 = Percentile(took, 99)
	res.AllocsPerOp, res.CPUPerOp = float64(allocs)/float64(len(s)), cpu/time.Duration(len(s))
	return res
}

// Percentile is the nearest-rank percentile p of sorted durations.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 × n)
	return sorted[max(rank, 1)-1]
}
