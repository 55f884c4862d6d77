package audit_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"kycportal/internal/audit"
)

// TestSealerLagIsVisible: while another sealer holds the lock and does not seal, the
// gauges show the waiting events and their age, and the sealer warns once the lag passes
// five seconds.
func TestSealerLagIsVisible(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	record(t, db, 3)
	if _, err := db.Pool.Exec(ctx, `UPDATE audit_unsealed SET enqueued_at = now() - interval '7 seconds'`); err != nil {
		t.Fatal(err)
	}
	stuck, err := db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Rollback(ctx)
	if _, err := stuck.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(audit.SealLockForTest)); err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder // read once the sealer has stopped
	m := audit.NewMetrics(prometheus.NewRegistry())
	s := &audit.Sealer{DB: db.Pool, Key: testKey(t), Log: slog.New(slog.NewTextHandler(&logged, nil)),
		Interval: 10 * time.Millisecond, Metrics: m}
	run, stop := context.WithCancel(ctx)
	stopped := make(chan struct{})
	go func() { s.Run(run); close(stopped) }()
	for deadline := time.Now().Add(10 * time.Second); gauge(t, m.Unsealed) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	<-stopped
	if n := gauge(t, m.Unsealed); n != 3 {
		t.Errorf("unsealed gauge = %v, want 3", n)
	}
	if lag := gauge(t, m.Lag); lag < 7 {
		t.Errorf("lag gauge = %v s, want at least 7", lag)
	}
	if out := logged.String(); strings.Count(out, "audit sealer lag") != 1 || !strings.Contains(out, "level=WARN") {
		t.Errorf("log, want one warning:\n%s", out)
	}
}

func gauge(t *testing.T, g prometheus.Gauge) float64 {
	t.Helper()
	var m dto.Metric
	if err := g.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetGauge().GetValue()
}
