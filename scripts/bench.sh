#!/usr/bin/env bash
# make bench: the portal measured beside its floors at bank scale (docs/performance.md).
# TestPerformance starts its own PostgreSQL cluster (durability off), seeds it with
# portal seed's code, runs the lanes interleaved (the blob-store lanes against an S3 server
# started here), the worker and the load runs, and prints the tables. BENCH_SCALE="customers,events" (default 1M, 10M) sets the scale; BENCH_DATA
# keeps the cluster in that folder so that the next run reuses its seed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BENCH_SCALE="${BENCH_SCALE:-1000000,10000000}"
mkdir -p bin
# The S3 server of the blob-store lanes, on loopback, stopped at the end.
s3dir=$(mktemp -d /tmp/kycportal-bench-s3-XXXXXX)
trap 'kill "$(cat "$s3dir/pid")" 2>/dev/null || true; rm -rf "$s3dir"' EXIT
eval "$(scripts/s3-server.sh "$s3dir")"
go test -count=1 -timeout 6h -run '^TestPerformance$' -v ./internal/handlers | tee bin/bench-report.txt
