package perf

import (
	"fmt"
	"time"

	"kycportal/internal/bench"
)

// budget is one of the targets of docs/performance.md and what this run measured of it.
type budget struct {
	what, measured string
	holds          bool
}

// budgets judges the parts of the run that ran against their targets and writes the
// verdicts; under make bench a missed one fails the run, whichever parts BENCH_PARTS chose.
func (p *perf) budgets(ran func(part string) bool) {
	lane := func(route, name string) bench.Result {
		for _, r := range p.results {
			if r.Route == route && r.Lane == name {
				return r
			}
		}
		return bench.Result{}
	}
	ms := bench.Millis
	id, id0 := lane(routeExactID, bench.Full), lane(routeExactID, bench.F0)
	name := lane(routeName, bench.Full)
	save := lane(routeAutosave, bench.Full)
	list := lane(routeAudit, bench.Full)
	export, scaled := lane(routeExport, bench.Full), lane(routeScaled, bench.Full)
	rowsPerSec := float64(p.exportRows) / max(export.P50.Seconds(), 1e-9)
	perUpload := float64(p.uploadPeak.Growth()) / uploadsInFlight
	byPart := []struct {
		part     string
		verdicts []budget
	}{
		{"lanes", []budget{
			{"exact-ID search FULL p50 ≤ 2 ms", ms(id.P50), id.P50 <= 2*time.Millisecond},
			{"exact-ID search FULL p99 ≤ 10 ms", ms(id.P99), id.P99 <= 10*time.Millisecond},
			{
				"exact-ID search FULL/F0 ≤ 3× at p50",
				fmt.Sprintf("%.2f×", float64(id.P50)/float64(max(id0.P50, 1))),
				id.P50 <= 3*id0.P50,
			},
			{"name-prefix search FULL p99 ≤ 20 ms", ms(name.P99), name.P99 <= 20*time.Millisecond},
			{"autosave FULL p99 ≤ 20 ms", ms(save.P99), save.P99 <= 20*time.Millisecond},
			{"audit page (two filters) FULL p99 ≤ 50 ms", ms(list.P99), list.P99 <= 50*time.Millisecond},
			{
				"export ≥ 100,000 rows/s",
				fmt.Sprintf("%.0f rows/s (%d rows, p50 %s)", rowsPerSec, p.exportRows, ms(export.P50)),
				rowsPerSec >= 100_000,
			},
		}},
		{"documents", []budget{
			{"browser-sized photo FULL p50 ≤ 300 ms", ms(scaled.P50), scaled.P50 <= 300*time.Millisecond},
			p.blobBudget(routePGBlob),
			p.blobBudget(routeS3Blob),
		}},
		{"memory", []budget{
			{
				"export under 64 MiB RSS",
				fmt.Sprintf("peak %s, +%s during the export", bench.MiB(p.exportPeak.Peak), bench.MiB(p.exportPeak.Growth())),
				p.exportPeak.Peak <= 64<<20,
			},
			{
				"full-size upload memory ≤ 3× the file per upload in flight",
				fmt.Sprintf("%.1f× (%s of %s)", perUpload/float64(p.photoSize),
					bench.MiB(int64(perUpload)), bench.MiB(int64(p.photoSize))),
				perUpload <= 3*float64(p.photoSize),
			},
		}},
		{"worker", []budget{
			{"worker ≥ 200 submissions/s", fmt.Sprintf("%.0f/s", p.workerRate), p.workerRate >= 200},
			{
				"worker: portal CPU ≤ 3 ms a submission (sandbox in its own process)",
				bench.Millis(p.workerCPU),
				p.workerCPU <= 3*time.Millisecond,
			},
			{"worker 0 duplicates", fmt.Sprint(p.workerDuplicates), p.workerDuplicates == 0},
		}},
		{"load", []budget{
			{
				"search sustained ≥ 1,000 requests/s at p99 ≤ 25 ms",
				fmt.Sprintf("%d/s (p99 %s)", p.searchRate, ms(p.searchLoad.P99)),
				p.searchRate >= 1000,
			},
			ceilingVerdict("search", p.searchRate, p.searchCeiling),
			ceilingVerdict("autosave", p.autosaveRate, p.autosaveCeiling),
			{
				"0 samples waiting on Lock:advisory under load",
				fmt.Sprintf("%d of %d busy backends sampled", p.loadWaits.Advisory, p.loadWaits.Busy),
				p.loadWaits.Advisory == 0,
			},
		}},
		{"audit", p.appendVerdicts()},
	}
	fmt.Fprintln(p.out, "| budget | measured | holds |\n|---|---|---|")
	for _, group := range byPart {
		if !ran(group.part) {
			continue
		}
		for _, b := range group.verdicts {
			p.verdict(b)
		}
	}
	fmt.Fprintf(p.out, "\nLoad average at the end: %s.\n", bench.LoadAverage())
}

// verdict writes one budget's row; make bench fails on a miss, while the smoke run checks
// the harness, not speed.
func (p *perf) verdict(b budget) {
	fmt.Fprintf(p.out, "| %s | %s | %s |\n", b.what, b.measured, b.yesNo())
	if !b.holds && p.cfg.full {
		p.t.Errorf("budget missed: %s: %s", b.what, b.measured)
	}
}

func (b budget) yesNo() string {
	if b.holds {
		return "yes"
	}
	return "no"
}

// ceilingVerdict: the highest rate within the load budget reaches ceilingShare of the
// CPU-bound ceiling of the same run.
func ceilingVerdict(name string, rate int, ceiling float64) budget {
	return budget{fmt.Sprintf("%s at p99 ≤ 25 ms ≥ %.0f%% of the CPU-bound ceiling", name, 100*ceilingShare),
		fmt.Sprintf("%d/s of a ceiling of %.0f/s (%.0f%%)", rate, ceiling, 100*float64(rate)/max(ceiling, 1)),
		rate > 0 && ceiling > 0 && float64(rate) >= ceilingShare*ceiling}
}

// blobBudget: a document written and read back encrypted costs at most 1.5× what the store
// itself takes (p50), 2 ms allowed for a store so fast that the ratio means nothing.
func (p *perf) blobBudget(route string) budget {
	var floor, full bench.Result
	for _, r := range p.results {
		switch {
		case r.Route == route && r.Lane == "F0 store":
			floor = r
		case r.Route == route && r.Lane == "FULL encrypted":
			full = r
		}
	}
	what := route + ": encrypted p50 ≤ 1.5× the store's floor"
	if full.N == 0 {
		return budget{what, "not measured (no S3 server)", false}
	}
	limit := max(floor.P50*3/2, floor.P50+2*time.Millisecond)
	return budget{what, fmt.Sprintf("%s vs %s", bench.Millis(full.P50), bench.Millis(floor.P50)), full.P50 <= limit}
}
