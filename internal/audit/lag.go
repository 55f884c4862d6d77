package audit

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// LagAlert is the sealer lag past which the sealer logs a warning: events that old are
// committed but not yet covered by a signed checkpoint (docs/audit.md).
const LagAlert = 5 * time.Second

// Metrics are the unsealed window, as gauges.
type Metrics struct {
	Unsealed prometheus.Gauge
	Lag      prometheus.Gauge
}

// NewMetrics registers the sealer's gauges on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Unsealed: prometheus.NewGauge(prometheus.GaugeOpts{Name: "portal_audit_unsealed_events",
			Help: "Audit events committed but not yet in the Merkle tree."}),
		Lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "portal_audit_sealer_lag_seconds",
			Help: "Age of the oldest audit event not yet in the Merkle tree."}),
	}
	reg.MustRegister(m.Unsealed, m.Lag)
	return m
}

// Window is the unsealed window: how many events wait and how long the oldest has.
type Window struct {
	Unsealed int64
	Lag      time.Duration
}

// UnsealedWindow measures the window now.
func UnsealedWindow(ctx context.Context, q Querier) (Window, error) {
	var w Window
	var seconds float64
	err := q.QueryRow(ctx, `SELECT count(*), coalesce(extract(epoch FROM clock_timestamp() - min(enqueued_at)), 0)::float8
		FROM audit_unsealed`).Scan(&w.Unsealed, &seconds)
	w.Lag = time.Duration(seconds * float64(time.Second))
	return w, err
}

// observe updates the gauges and warns, at most once a minute, while the lag passes
// LagAlert.
func (s *Sealer) observe(ctx context.Context) {
	w, err := UnsealedWindow(ctx, s.DB)
	if err != nil {
		return // the sealer's own error, if any, is logged; a failed measure is not news
	}
	if s.Metrics != nil {
		s.Metrics.Unsealed.Set(float64(w.Unsealed))
		s.Metrics.Lag.Set(w.Lag.Seconds())
	}
	if w.Lag > LagAlert && time.Since(s.warned) > time.Minute {
		s.warned = time.Now()
		s.Log.Warn("audit sealer lag", "lag_seconds", w.Lag.Seconds(), "unsealed", w.Unsealed,
			"alert_seconds", LagAlert.Seconds())
	}
}
