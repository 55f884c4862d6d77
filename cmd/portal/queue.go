package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"kycportal/internal/cdp"
	"kycportal/internal/drafts"
	"kycportal/internal/packs"
	"kycportal/internal/store"
	"kycportal/internal/submission"
)

// startQueue works the CDP submission queue in this process until ctx ends; the client it
// returns also inserts the jobs of the handlers. stop waits for sends in flight.
func startQueue(ctx context.Context, log *slog.Logger, db *store.DB, client *cdp.Client, cdpCfg cdp.Config, reg prometheus.Registerer) (_ *river.Client[pgx.Tx], stop func(), _ error) {
	svc := &submission.Service{DB: db, Now: time.Now, Rules: submission.DefaultRules,
		Drafts: &drafts.Service{DB: db, Packs: packs.Default(), Blobs: store.PGBlobs{}, Now: time.Now}}
	w, err := submission.NewWorker(svc, client, log, reg)
	if err != nil {
		return nil, nil, err
	}
	// One run is a lookup and an onboard at most, each bounded by the CDP timeout; a run
	// still marked running long after that died with its process and is rescued.
	jobTimeout := 2*cdpCfg.Timeout + 10*time.Second
	q, err := submission.NewQueue(db.Pool, submission.QueueConfig{Worker: w, Concurrency: submission.ServeConcurrency,
		Cooldown: submission.ServeCooldown, Log: log, JobTimeout: jobTimeout, RescueAfter: 5 * jobTimeout})
	if err != nil {
		return nil, nil, err
	}
	if err := q.Start(ctx); err != nil {
		return nil, nil, err
	}
	stop = func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), jobTimeout)
		defer cancel()
		if err := q.Stop(stopCtx); err != nil {
			log.Warn("submission queue stopped before its sends finished", "error", err.Error())
		}
	}
	return q, stop, nil
}
