package handlers

import (
	"fmt"
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

// loadRun runs the rising rates of cfg against the requests next makes, one at a time.
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
	stop := bench.SampleWaits(p.ctx, p.db.Pool, 20*time.Millisecond)
	steps, err := bench.Load(p.ctx, bench.LoadRun{Base: p.base, Fill: fill, Rates: p.cfg.loadRates, For: p.cfg.loadFor,
		Budget: budget, Postmaster: p.postmaster})
	waits := stop()
	if err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprintf(p.out, "Open-model load, %s, %s at each rate (vegeta, loopback):\n\n", name, p.cfg.loadFor)
	bench.LoadTable(p.out, name, budget, steps)
	top := ceilingStep(steps, budget)
	fmt.Fprintf(p.out, "%s: CPU-bound ceiling %.0f requests/s (%d cores ÷ %s a request at %d/s); "+
		"busy backends sampled %d times every 20 ms: %d busy, %d waiting on Lock:advisory\n\n",
		name, bench.Ceiling(top), runtime.NumCPU(), bench.Millis(top.CPUPerRequest()), top.Rate, waits.Samples, waits.Busy, waits.Advisory)
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
