package bench

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i))
	}
	for p, want := range map[int]time.Duration{50: 100, 90: 180, 99: 198, 100: 200} {
		if got := Percentile(d, p); got != want {
			t.Errorf("p%d of 1..200 = %d, want %d", p, got, want)
		}
	}
	if got := Percentile(d[:1], 99); got != 1 {
		t.Errorf("p99 of one sample = %d", got)
	}
}

// TestRunInterleavesLanes: every round runs each route's lanes in turn, warm-up rounds
// are not counted, and a route with fewer rounds drops out.
func TestRunInterleavesLanes(t *testing.T) {
	t.Parallel()
	var order []string
	lane := func(name string) Lane {
		return Lane{Name: name, Op: func(context.Context) error { order = append(order, name); return nil }}
	}
	res, err := Run(context.Background(), []Route{
		{Name: "a", Warmup: 1, Rounds: 2, Lanes: []Lane{lane("a0"), lane("a1")}},
		{Name: "b", Rounds: 1, Lanes: []Lane{lane("b0")}},
	}, CPUMeter{Postmaster: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, " "); got != "a0 a1 b0 a0 a1 a0 a1" {
		t.Errorf("order %q", got)
	}
	if len(res) != 3 || res[0].N != 2 || res[2].N != 1 {
		t.Errorf("results %+v", res)
	}
}

func TestLoadTargetsLoopbackOnly(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"http://example.com", "http://10.0.0.1:8080", "http://localhost:8080"} {
		_, err := Load(
			context.Background(),
			LoadRun{Base: base, Fill: func(*vegeta.Target) error { return nil }, Rates: []int{1}},
		)
		if err == nil {
			t.Errorf("a load run against %s was allowed", base)
		}
	}
}

// TestLoadWaitsUntilSettledBetweenRates: after each step's pause the run waits for
// Settled (the sealer's backlog drained) before the next rate, and stops on its error.
func TestLoadWaitsUntilSettledBetweenRates(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(srv.Close)
	settled, drained := 0, errors.New("the backlog did not drain")
	run := LoadRun{Base: srv.URL, Fill: func(tgt *vegeta.Target) error {
		tgt.Method, tgt.URL = http.MethodGet, srv.URL+"/"
		return nil
	}, Rates: []int{10, 10, 10}, For: 100 * time.Millisecond, Budget: time.Second, Postmaster: os.Getpid(),
		Settled: func(context.Context) error {
			if settled++; settled == 2 {
				return drained
			}
			return nil
		}}
	steps, err := Load(context.Background(), run)
	if len(steps) != 2 || settled != 2 || !errors.Is(err, drained) {
		t.Errorf("%d steps, settled %d times, error %v: want 2 steps, the run stopped by the second wait",
			len(steps), settled, err)
	}
}

// TestCeilingIsCoresOverCPU: a request costing 10 ms of CPU allows 100 a second a core.
func TestCeilingIsCoresOverCPU(t *testing.T) {
	s := Step{Requests: 50, CPU: CPU{Self: 300 * time.Millisecond, Server: 200 * time.Millisecond}}
	if got, want := Ceiling(s), 100*float64(runtime.NumCPU()); got != want {
		t.Errorf("ceiling = %.1f, want %.1f", got, want)
	}
	if got := Ceiling(Step{}); got != 0 {
		t.Errorf("ceiling of no request = %.1f, want 0", got)
	}
}

// TestServerCPUKeepsEndedProcesses: the CPU time of a server's child that has ended stays
// in the server's total (a backend closed under load took its time with it, and the
// server's share went negative).
func TestServerCPUKeepsEndedProcesses(t *testing.T) {
	m := CPUMeter{Postmaster: os.Getpid()} // this process stands for the postmaster
	before, err := m.Server()
	if err != nil {
		t.Fatal(err)
	}
	child := exec.Command("sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done")
	if err := child.Run(); err != nil {
		t.Fatal(err)
	}
	used := child.ProcessState.UserTime() + child.ProcessState.SystemTime()
	after, err := m.Server()
	if err != nil {
		t.Fatal(err)
	}
	if used < 5*clockTick {
		t.Fatalf("the child used %s, too little to measure", used)
	}
	if got := after - before; got < used-2*clockTick {
		t.Errorf("server time grew by %s while a child that used %s ran and ended", got, used)
	}
}
