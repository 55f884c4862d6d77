package perf

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"kycportal/internal/audit"
	"kycportal/internal/bench"
	"kycportal/internal/session"
)

// Budgets of the load runs: p99 at a sustained rate (docs/performance.md).
const (
	searchLoadBudget   = 25 * time.Millisecond
	autosaveLoadBudget = 25 * time.Millisecond
)

// loadMisses is how many rates in a row may miss the budget before a load run stops.
const loadMisses = 2

// ceilingShare is the share of the CPU-bound ceiling each load run must reach within
// its budget: what is left is lost to waiting, not to work.
const ceilingShare = 0.7

// load runs the open-model load of the exact-ID search and of autosave at rising rates.
func (p *perf) load() {
	drafts := p.sampleDrafts("", 2000)
	i := 0
	search := p.loadRun("exact-ID search", searchLoadBudget, func() (*perfUser, string, url.Values) {
		d := drafts[i%len(drafts)]
		i++
		return p.agentOf(
				d.Branch,
				i,
			), "/search", url.Values{
				"country":   {d.Country},
				"id_type":   {d.IDType},
				"id_number": {d.IDNumber},
			}
	})
	open := alternate(p.sampleDrafts("open", 4000), 0)
	j := 0
	autosave := p.loadRun("autosave", autosaveLoadBudget, func() (*perfUser, string, url.Values) {
		d := &open[j%len(open)]
		j++
		d.Version++ // the version the page holds after this save
		return p.agentOf(d.Branch, j), "/drafts/" + strconv.FormatInt(d.ID, 10),
			url.Values{"version": {strconv.Itoa(d.Version - 1)}, "current_city": {newCity(d.Version - 1)}}
	})
	p.searchRate, p.searchLoad = best(search, searchLoadBudget)
	p.autosaveRate, p.autosaveLoad = best(autosave, autosaveLoadBudget)
	p.searchCeiling, p.autosaveCeiling = bench.Ceiling(leanest(search)), bench.Ceiling(leanest(autosave))
}

// sealed waits until the audit sealer has sealed every event the last step left: the
// saturation step leaves thousands, and the step after it, the verdict's, started behind
// them (its first 400 ms answered in 120 to 190 ms, docs/performance.md).
func (p *perf) sealed(ctx context.Context) error {
	deadline := time.Now().Add(time.Minute)
	for {
		w, err := audit.UnsealedWindow(ctx, p.db.Pool)
		if err != nil || w.Unsealed == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("perf: %d audit events still unsealed a minute after a load step", w.Unsealed)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// loadRun runs the open load against the requests next makes: a warm-up at the first rate,
// the first rate again, which estimates the ceiling, then rising shares of that ceiling
// until loadMisses in a row miss the budget, then a rate past the ceiling when none has
// reached it (saturationRate), then the rate the verdict asks (verdictRate).
func (p *perf) loadRun(name string, budget time.Duration, next func() (*perfUser, string, url.Values)) []bench.Step {
	var mu sync.Mutex
	fill := func(t *vegeta.Target) error {
		mu.Lock()
		u, path, form := next()
		mu.Unlock()
		t.Method = http.MethodPost
		t.URL = p.base + path
		t.Body = []byte(form.Encode())
		t.Header = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Hx-Request": {"true"},
			"X-Csrf-Token": {u.csrf}, "Cookie": {session.CookieName + "=" + u.cookie}}
		return nil
	}
	run := bench.LoadRun{Base: p.base, Fill: fill, Rates: []int{p.cfg.loadStart}, For: p.cfg.loadFor, Budget: budget,
		Misses: loadMisses, Postmaster: p.postmaster, Settled: p.sealed}
	if _, err := bench.Load(p.ctx, run); err != nil { // warm-up, not counted: connections, caches, the CDP token
		p.t.Fatal(err)
	}
	stop, err := bench.SampleWaits(p.ctx, p.db.Pool.Config().ConnConfig.Copy(), 20*time.Millisecond)
	if err != nil {
		p.t.Fatal(err)
	}
	pool := p.db.Pool.Stat()
	steps, err := bench.Load(p.ctx, run)
	if err == nil && len(steps) == 1 {
		run.Rates = ceilingRates(steps[0], p.cfg.loadShares)
		var more []bench.Step
		more, err = bench.Load(p.ctx, run)
		steps = append(steps, more...)
	}
	then := func(rate int) {
		if err == nil && rate > 0 {
			var more []bench.Step
			run.Rates = []int{rate}
			more, err = bench.Load(p.ctx, run)
			steps = append(steps, more...)
		}
	}
	if len(p.cfg.loadShares) > 0 { // the full run; make test's smoke run checks one step
		then(saturationRate(steps))
		then(verdictRate(steps, budget))
	}
	waits, poolAfter := stop(), p.db.Pool.Stat()
	if err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprintf(p.out, "Open-model load, %s, %s at each rate (vegeta, loopback):\n\n", name, p.cfg.loadFor)
	bench.LoadTable(p.out, name, budget, steps)
	lean := leanest(steps)
	rate, _ := best(steps, budget)
	v := ceilingVerdict(name, rate, bench.Ceiling(lean))
	fmt.Fprintf(
		p.out,
		"%s: CPU-bound ceiling %.0f requests/s (%d cores ÷ %s a request, the least of the rates answered in full, at %d/s)\n"+
			"%s: %s: %s\n",
		name,
		bench.Ceiling(lean),
		runtime.NumCPU(),
		bench.Millis(lean.CPUPerRequest()),
		lean.Rate,
		v.what,
		v.measured,
		v.yesNo(),
	)
	fmt.Fprintf(
		p.out,
		"%s: busy backends sampled %d times every 20 ms: %d busy, %d waiting on Lock:advisory; "+
			"the pool's %d connections were all taken at %d of %d acquisitions, which waited %s in all\n\n",
		name,
		waits.Samples,
		waits.Busy,
		waits.Advisory,
		poolAfter.MaxConns(),
		poolAfter.EmptyAcquireCount()-pool.EmptyAcquireCount(),
		poolAfter.AcquireCount()-pool.AcquireCount(),
		(poolAfter.AcquireDuration() - pool.AcquireDuration()).Round(time.Millisecond),
	)
	p.loadWaits.Samples += waits.Samples
	p.loadWaits.Busy += waits.Busy
	p.loadWaits.Advisory += waits.Advisory
	for _, s := range steps {
		if s.Requests == 0 {
			p.t.Errorf("%s at %d/s: no request was sent", name, s.Rate)
		}
	}
	return steps
}

// ceilingRates are the rates after the first step: shares of the ceiling that step's CPU
// a request gives, above the first rate, rounded to 10 a second.
func ceilingRates(first bench.Step, shares []float64) []int {
	var rates []int
	for _, share := range shares {
		rate := int(math.Round(share*bench.Ceiling(first)/10)) * 10
		if rate > first.Rate && (len(rates) == 0 || rate > rates[len(rates)-1]) {
			rates = append(rates, rate)
		}
	}
	return rates
}

// saturationRate is a rate past the ceiling the steps so far give, when none has reached
// it: the run stops after two misses, which a neighbour's burst can cause well below the
// ceiling, and a request costs less CPU the busier the machine (a second's fixed costs,
// batched wake-ups), so the ceiling is only measured at saturation. Without it an early
// stop sets a low ceiling, and a lenient verdict. 0 when a step reached the ceiling.
func saturationRate(steps []bench.Step) int {
	ceiling := bench.Ceiling(leanest(steps))
	for _, s := range steps {
		if float64(s.Rate) >= ceiling {
			return 0
		}
	}
	return int(math.Round(1.2*ceiling/10)) * 10
}

// verdictRate is the rate that decides the ceiling's verdict, when no step has tried it:
// the share the budget asks of the ceiling the steps so far give, rounded up to 10 a
// second. The rising rates are shares of the first step's estimate, which a low rate
// overstates (a second's fixed costs), so without it the run may step from a rate under
// the share to one well over it and never try the rate the verdict is about. It is 0
// when a step at or above that rate already held.
func verdictRate(steps []bench.Step, budget time.Duration) int {
	if len(steps) == 0 {
		return 0
	}
	rate := int(math.Ceil(ceilingShare*bench.Ceiling(leanest(steps))/10)) * 10
	if held, _ := best(steps, budget); rate == 0 || held >= rate {
		return 0
	}
	return rate
}

// leanest is the step whose CPU a request sets the ceiling: the least of the steps that
// answered every request, else the first. A second's fixed costs (the sealer's rounds,
// the waits sampler, the collector's background work) weigh on few requests at a low rate,
// so a low rate's figure overstates a request's cost and would make the ceiling, and the
// verdict, easier than the work allows.
func leanest(steps []bench.Step) bench.Step {
	if len(steps) == 0 {
		return bench.Step{}
	}
	lean := steps[0]
	for _, s := range steps {
		if s.Success == 1 && s.Requests > 0 && (lean.Success < 1 || s.CPUPerRequest() < lean.CPUPerRequest()) {
			lean = s
		}
	}
	return lean
}

// best is the highest rate that held within budget, and its step.
func best(steps []bench.Step, budget time.Duration) (int, bench.Step) {
	var top bench.Step
	for _, s := range steps {
		if s.Within(budget) {
			top = s
		}
	}
	return top.Rate, top
}

// TestTheCeilingIsSetByTheLeanestFullStep: the ceiling's step is the cheapest a request of
// those that answered everything, whether or not it held its p99; a step that lost
// requests does not count, and with none answered in full the first step stands.
func TestTheCeilingIsSetByTheLeanestFullStep(t *testing.T) {
	t.Parallel()
	step := func(rate int, cpu time.Duration, success float64) bench.Step {
		return bench.Step{Rate: rate, Requests: 1000, Success: success, CPU: bench.CPU{Self: cpu}}
	}
	steps := []bench.Step{step(100, 2500*time.Millisecond, 1), step(300, 2000*time.Millisecond, 1),
		step(400, 1800*time.Millisecond, 1), step(500, 1500*time.Millisecond, 0.97)}
	if got := leanest(steps); got.Rate != 400 {
		t.Errorf("leanest of %v: %d/s, want 400/s", steps, got.Rate)
	}
	if got := leanest([]bench.Step{step(100, time.Second, 0.9), step(200, time.Second/2, 0.8)}); got.Rate != 100 {
		t.Errorf("with no step answered in full: %d/s, want the first, 100/s", got.Rate)
	}
}

// TestTheVerdictRateIsTried: after the rising rates, the run tries 70 % of the ceiling the
// steps give, unless a rate at least that high held.
func TestTheVerdictRateIsTried(t *testing.T) {
	t.Parallel()
	step := func(rate int, cpu time.Duration, p99 time.Duration) bench.Step {
		return bench.Step{Rate: rate, Requests: 1000, Success: 1, P99: p99, CPU: bench.CPU{Self: cpu}}
	}
	// 1,000 requests a step; the leanest, 1 ms a request at 1550/s, sets a ceiling of
	// NumCPU ÷ 1 ms.
	want := int(math.Ceil(ceilingShare*float64(runtime.NumCPU())*1000/10)) * 10
	lowHeld := []bench.Step{step(100, 2500*time.Millisecond, time.Millisecond),
		step(want/2, 1200*time.Millisecond, 5*time.Millisecond), step(1550, time.Second, time.Second)}
	if got := verdictRate(lowHeld, 25*time.Millisecond); got != want {
		t.Errorf("verdict rate after %v: %d/s, want %d/s", lowHeld, got, want)
	}
	highHeld := append(lowHeld, step(want+10, 1100*time.Millisecond, 20*time.Millisecond))
	if got := verdictRate(highHeld, 25*time.Millisecond); got != 0 {
		t.Errorf("with %d/s held: verdict rate %d/s, want none", want+10, got)
	}
}

// TestTheCeilingIsMeasuredAtSaturation: a run that stopped below the ceiling its steps give
// goes on to a rate past it; one that reached it does not.
func TestTheCeilingIsMeasuredAtSaturation(t *testing.T) {
	t.Parallel()
	step := func(rate int, cpu time.Duration) bench.Step {
		return bench.Step{Rate: rate, Requests: 1000, Success: 1, CPU: bench.CPU{Self: cpu}}
	}
	// 2 ms a request: a ceiling of NumCPU ÷ 2 ms, 500/s a core.
	ceiling := 500 * runtime.NumCPU()
	early := []bench.Step{step(100, 2500*time.Millisecond), step(ceiling/2, 2000*time.Millisecond)}
	if got, want := saturationRate(early), int(math.Round(1.2*float64(ceiling)/10))*10; got != want {
		t.Errorf("after %v: %d/s, want %d/s", early, got, want)
	}
	if got := saturationRate(append(early, step(ceiling+10, 2000*time.Millisecond))); got != 0 {
		t.Errorf("with a step past the ceiling: %d/s, want none", got)
	}
}
