package bench

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Step is one constant-rate load run.
type Step struct {
	Rate       int
	Requests   uint64
	Throughput float64 // answered requests a second, 2xx and 3xx only
	Success    float64 // their share
	P50, P99   time.Duration
	CPU        CPU // used by the run, client included
	Errors     []string
}

// Within tells whether the step held: every request answered well, p99 within budget.
func (s Step) Within(budget time.Duration) bool { return s.Success == 1 && s.P99 <= budget }

// CPUPerRequest is the CPU time one request cost.
func (s Step) CPUPerRequest() time.Duration {
	if s.Requests == 0 {
		return 0
	}
	return s.CPU.Total() / time.Duration(s.Requests) // #nosec G115 -- a count of requests in one run
}

// LoadRun is an open-model load run: requests arrive at a constant rate whether or not the
// earlier ones were answered, for For at each of Rates in turn, stopping after Misses rates
// in a row miss Budget (after the first when Misses is 0): on a shared machine one rate may
// miss for a neighbour's burst and the next hold. Fill writes each request; every request must go to Base, which
// must be a loopback address.
type LoadRun struct {
	Base       string
	Fill       func(*vegeta.Target) error
	Rates      []int
	For        time.Duration
	Budget     time.Duration
	Misses     int
	Postmaster int // the database server, whose CPU time is counted with this process's
	// Settled, when set, waits after each step's pause until the work the step left behind
	// is done (the audit sealer's backlog), so that the next rate starts from a drained
	// portal rather than behind the queue of the one before.
	Settled func(context.Context) error
}

// Load runs r.
func Load(ctx context.Context, r LoadRun) ([]Step, error) {
	u, err := url.Parse(r.Base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return nil, fmt.Errorf("bench: load runs target 127.0.0.1 only, not %q", r.Base)
	}
	targeter := func(t *vegeta.Target) error {
		if err := r.Fill(t); err != nil {
			return err
		}
		if !strings.HasPrefix(t.URL, r.Base+"/") {
			return fmt.Errorf("bench: target %s is not under %s", t.URL, r.Base)
		}
		return nil
	}
	var steps []Step
	missed := 0
	for _, rate := range r.Rates {
		if ctx.Err() != nil {
			return steps, ctx.Err()
		}
		before, err := CPUMeter{r.Postmaster}.Read()
		if err != nil {
			return steps, err
		}
		s := attack(targeter, rate, r.For)
		after, err := CPUMeter{r.Postmaster}.Read()
		if err != nil {
			return steps, err
		}
		s.CPU = after.Sub(before)
		steps = append(steps, s)
		if s.Within(r.Budget) {
			missed = 0
		} else {
			missed++
		}
		if missed >= max(r.Misses, 1) {
			break
		}
		time.Sleep(time.Second) // let queues drain before the next rate
		if r.Settled != nil {
			if err := r.Settled(ctx); err != nil {
				return steps, err
			}
		}
	}
	return steps, nil
}

func attack(targeter vegeta.Targeter, rate int, d time.Duration) Step {
	a := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.Workers(32))
	var m vegeta.Metrics
	for res := range a.Attack(targeter, vegeta.ConstantPacer{Freq: rate, Per: time.Second}, d, "load") {
		m.Add(res)
	}
	m.Close()
	return Step{Rate: rate, Requests: m.Requests, Throughput: m.Throughput, Success: m.Success,
		P50: m.Latencies.P50, P99: m.Latencies.P99, Errors: m.Errors}
}

// LoadTable writes the steps of a load run as a Markdown table, and the highest rate that
// held within budget.
func LoadTable(w io.Writer, name string, budget time.Duration, steps []Step) {
	fmt.Fprintf(
		w,
		"| %s: rate | requests | answered/s | success | p50 | p99 | p99 ≤ %s | CPU a request (portal + client, Postgres) |\n",
		name,
		Millis(budget),
	)
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|---|--:|")
	best := 0
	for _, s := range steps {
		held := "no"
		if s.Within(budget) {
			held, best = "yes", s.Rate
		}
		n := time.Duration(max(s.Requests, 1)) // #nosec G115 -- a count of requests in one run
		fmt.Fprintf(
			w,
			"| %d/s | %d | %.0f | %.1f%% | %s | %s | %s | %s (%s, %s) |\n",
			s.Rate,
			s.Requests,
			s.Throughput,
			100*s.Success,
			Millis(s.P50),
			Millis(s.P99),
			held,
			Millis(s.CPUPerRequest()),
			Millis(s.CPU.Self/n),
			Millis(s.CPU.Server/n),
		)
	}
	fmt.Fprintf(w, "\n%s: highest rate within budget: %d requests/s\n", name, best)
	for _, s := range steps {
		if len(s.Errors) > 0 {
			fmt.Fprintf(w, "%s at %d/s: errors %v\n", name, s.Rate, s.Errors[:min(3, len(s.Errors))])
		}
	}
}
