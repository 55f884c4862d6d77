// Package bench measures the portal beside its floors: lanes run interleaved so that the
// machine's noise falls on all of them alike, and their latencies, allocations and ratios
// are printed as one table. The lanes themselves live with the code they measure (the
// handlers' tests); this package runs them, and the open-model load runs, the cluster and
// the memory readings they share.
package bench

import (
	"context"

	"kycportal/internal/pgcluster"
)

// Settings are the benchmark cluster's, on top of pgcluster's Fast (no fsync, no
// synchronous commit, no full-page writes: durability is off, and the table says so).
// Memory is sized for a 24 GiB machine holding a 1M-customer, 10M-event database.
var Settings = []string{
	"shared_buffers=4GB",
	"effective_cache_size=16GB",
	"work_mem=16MB",
	"maintenance_work_mem=1GB",
	"max_wal_size=16GB",
	"checkpoint_timeout=30min",
}

// StartCluster starts (initialising on first use) the benchmark cluster under dir.
func StartCluster(ctx context.Context, dir string) (*pgcluster.Cluster, error) {
	return pgcluster.Start(ctx, dir, pgcluster.Options{Port: 5435, Fast: true, Settings: Settings})
}
