#!/usr/bin/env bash
# make bench: the portal measured beside its floors at bank scale (docs/performance.md).
# TestPerformance starts its own PostgreSQL cluster (durability off), seeds it with
# portal seed's code, runs its parts and prints their tables: lanes (the page routes, interleaved),
# documents (photo uploads, and the blob stores against the S3 server started here), memory,
# worker, load, audit, jobs. BENCH_PARTS="documents,memory,worker" runs some of them; the budgets
# of the parts that ran are judged, and a miss fails the run. BENCH_SCALE="customers,events"
# (default 1M, 10M) sets the scale; BENCH_DATA keeps the cluster in that folder so that the
# next run reuses its seed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BENCH_SCALE="${BENCH_SCALE:-1000000,10000000}"
mkdir -p bin
# The S3 server of the blob-store lanes, on loopback, stopped at the end.
s3dir=$(mktemp -d /tmp/kycportal-bench-s3-XXXXXX)
trap 'kill "$(cat "$s3dir/pid")" 2>/dev/null || true; rm -rf "$s3dir"' EXIT
eval "$(scripts/s3-server.sh "$s3dir")"
go test -count=1 -timeout 6h -run '^TestPerformance$' -v ./internal/perf | tee bin/bench-report.txt
