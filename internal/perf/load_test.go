package perf

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

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
		return p.agentOf(d.Branch, i), "/search", url.Values{"country": {d.Country}, "id_type": {d.IDType}, "id_number": {d.IDNumber}}
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
	p.searchCeiling, p.autosaveCeiling = bench.Ceiling(ceilingStep(search, searchLoadBudget)), bench.Ceiling(ceilingStep(autosave, autosaveLoadBudget))
}

// loadRun runs the open load against the requests next makes: a warm-up at the first rate,
// the first rate again, which estimates the ceiling, then rising shares of that ceiling
// until loadMisses in a row miss the budget.
func (p *perf) loadRun(name string, budget time.Duration, next func() (*perfUser, string, url.Values)) []bench.Step {
	var mu sync.Mutex
	fill := func(t *vegeta.Target) error {
		mu.Lock()
		u, path, form := next()
		mu.Unlock()
		t.Method, t.URL, t.Body = http.MethodPost, p.base+path, []byte(form.Encode())
		t.Header = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Hx-Request": {"true"},
			"X-Csrf-Token": {u.csrf}, "Cookie": {session.CookieName + "=" + u.cookie}}
		return nil
	}
	run := bench.LoadRun{Base: p.base, Fill: fill, Rates: []int{p.cfg.loadStart}, For: p.cfg.loadFor, Budget: budget,
		Misses: loadMisses, Postmaster: p.postmaster}
	if _, err := bench.Load(p.ctx, run); err != nil { // warm-up, not counted: connections, caches, the CDP token
		p.t.Fatal(err)
	}
	stop := bench.SampleWaits(p.ctx, p.db.Pool, 20*time.Millisecond)
	pool := p.db.Pool.Stat()
	steps, err := bench.Load(p.ctx, run)
	if err == nil && len(steps) == 1 {
		run.Rates = ceilingRates(steps[0], p.cfg.loadShares)
		var more []bench.Step
		more, err = bench.Load(p.ctx, run)
		steps = append(steps, more...)
	}
	waits, poolAfter := stop(), p.db.Pool.Stat()
	if err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprintf(p.out, "Open-model load, %s, %s at each rate (vegeta, loopback):\n\n", name, p.cfg.loadFor)
	bench.LoadTable(p.out, name, budget, steps)
	top := ceilingStep(steps, budget)
	fmt.Fprintf(p.out, "%s: CPU-bound ceiling %.0f requests/s (%d cores ÷ %s a request at %d/s); "+
		"busy backends sampled %d times every 20 ms: %d busy, %d waiting on Lock:advisory; "+
		"the pool's %d connections were all taken at %d of %d acquisitions, which waited %s in all\n\n",
		name, bench.Ceiling(top), runtime.NumCPU(), bench.Millis(top.CPUPerRequest()), top.Rate, waits.Samples, waits.Busy, waits.Advisory,
		poolAfter.MaxConns(), poolAfter.EmptyAcquireCount()-pool.EmptyAcquireCount(), poolAfter.AcquireCount()-pool.AcquireCount(),
		(poolAfter.AcquireDuration() - pool.AcquireDuration()).Round(time.Millisecond))
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

// ceilingStep is the step whose CPU a request sets the ceiling: the highest rate within
// budget, else the first (past its budget, requests also cost their waiting).
func ceilingStep(steps []bench.Step, budget time.Duration) bench.Step {
	if _, top := best(steps, budget); top.Requests > 0 {
		return top
	}
	if len(steps) == 0 {
		return bench.Step{}
	}
	return steps[0]
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
