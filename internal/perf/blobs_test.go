package perf

import (
	"bytes"
	"context"
	"errors"
	"os"

	"github.com/jackc/pgx/v5"

	"kycportal/internal/bench"
	"kycportal/internal/blobs"
	"kycportal/internal/blobs/blobstest"
	"kycportal/internal/documents"
	"kycportal/internal/store"
)

// documents measures the photo uploads (the full-size photo and the one the browser
// scaled) and the documents' way through each blob store, beside their floors.
func (p *perf) documents() {
	p.run(
		append([]bench.Route{p.upload(routeUpload, p.photo()), p.upload(routeScaled, p.browserPhoto())}, p.blobRoutes()...),
	)
}

// blobRoutes measure a document written and read back through each blob store, encrypted
// as the portal stores it (FULL), beside the store's own put and get (F0). The S3 store is
// the server scripts/test.sh and scripts/bench.sh start (TEST_S3_*); without it the S3
// route is left out, which fails under CI.
func (p *perf) blobRoutes() []bench.Route {
	prepared, err := documents.Prepare("id_front", bytes.NewReader(p.browserPhoto()))
	if err != nil {
		p.t.Fatal(err)
	}
	routes := []bench.Route{p.blobRoute(routePGBlob, store.PGBlobs{}, prepared.Data)}
	if os.Getenv("TEST_S3_ENDPOINT") == "" && os.Getenv("CI") != "true" {
		p.t.Log("TEST_S3_ENDPOINT is not set: the S3 blob route is left out (make test and make bench start a server)")
		return routes
	}
	srv := blobstest.S3(p.t)
	s3, err := blobs.NewS3(p.ctx, blobs.S3Config{Endpoint: srv.Endpoint, Bucket: srv.Bucket, Region: "us-east-1",
		AccessKey: srv.AccessKey, SecretKey: srv.SecretKey})
	if err != nil {
		p.t.Fatal(err)
	}
	return append(routes, p.blobRoute(routeS3Blob, s3, prepared.Data))
}

// blobRoute writes data and reads it back in a transaction that rolls back, and deletes
// what the store kept outside it: nothing accumulates.
func (p *perf) blobRoute(name string, s blobs.Store, data []byte) bench.Route {
	docs := blobs.Ephemeral()
	docs.Store = s
	roundTrip := func(ctx context.Context, put func(pgx.Tx) (string, error), get func(pgx.Tx, string) ([]byte, error)) error {
		tx, err := p.db.Pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(ctx) }()
		key, err := put(tx)
		if err == nil {
			_, err = get(tx, key)
		}
		return errors.Join(err, s.Delete(ctx, tx, key))
	}
	return p.route(name,
		bench.Lane{Name: "F0 store", Op: func(ctx context.Context) error {
			key := "floor/" + blobs.NewKey()
			return roundTrip(ctx, func(tx pgx.Tx) (string, error) { return key, s.Put(ctx, tx, key, data) },
				func(tx pgx.Tx, key string) ([]byte, error) { return s.Get(ctx, tx, key) })
		}},
		bench.Lane{Name: "FULL encrypted", Op: func(ctx context.Context) error {
			return roundTrip(ctx, func(tx pgx.Tx) (string, error) { return docs.Put(ctx, tx, data) },
				func(tx pgx.Tx, key string) ([]byte, error) { return docs.Get(ctx, tx, key) })
		}})
}
