package bench

import (
	"fmt"
	"io"
	"time"
)

// Table writes results as a Markdown table: each lane's percentiles and allocations, and
// its p50 and p99 as multiples of its route's F0 and F2.
func Table(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| route | lane | n | p50 | p90 | p99 | allocs/op | CPU/op | p50 ÷ F0 | p99 ÷ F0 | p50 ÷ F2 |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	floors := map[string]Result{}
	for _, r := range results {
		floors[r.Route+"\x00"+r.Lane] = r
	}
	for _, r := range results {
		f0, f2 := floors[r.Route+"\x00"+F0], floors[r.Route+"\x00"+F2]
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %.0f | %s | %s | %s | %s |\n", r.Route, r.Lane, r.N,
			Millis(r.P50), Millis(r.P90), Millis(r.P99), r.AllocsPerOp, Millis(r.CPUPerOp),
			ratio(r.P50, f0.P50), ratio(r.P99, f0.P99), ratio(r.P50, f2.P50))
	}
}

// Millis writes a duration in milliseconds with three significant digits.
func Millis(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 1:
		return fmt.Sprintf("%.3f ms", ms)
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func ratio(a, b time.Duration) string {
	if b <= 0 || a <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}
