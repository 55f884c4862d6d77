package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
)

// startQueue works the CDP submission queue in this process until ctx ends. stop waits, up
// to one job's time, for the sends in flight.
func startQueue(
	ctx context.Context, log *slog.Logger, q *river.Client[pgx.Tx], jobTimeout time.Duration,
) (stop func(), _ error) {
	if err := q.Start(ctx); err != nil {
		return nil, err
	}
	return func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), jobTimeout)
		defer cancel()
		if err := q.Stop(stopCtx); err != nil {
			log.Warn("submission queue stopped before its sends finished", "error", err.Error())
		}
	}, nil
}
