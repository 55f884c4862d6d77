#!/usr/bin/env bash
# make test: installs what the tests need, checks the code, starts a throwaway PostgreSQL
# cluster, and runs every test (unit, integration, end-to-end) against it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n== %s\n' "$*"; }

step "tools: Chromium (apt), Playwright driver and axe-core (npm)"
eval "$(scripts/install-e2e-tools.sh)"

step "generated templ code is current"
go tool templ generate -check

step "go vet"
go vet ./...

step "staticcheck"
go tool staticcheck ./...

step "gosec (each exception is a #nosec comment with its reason)"
go run github.com/securego/gosec/v2/cmd/gosec@v2.30.0 -quiet -exclude-generated ./...

step "govulncheck, offline, on a database built from golang.org/x/vulndb"
scripts/vulncheck.sh

step "throwaway PostgreSQL cluster"
dir=$(mktemp -d /tmp/kycportal-test-XXXXXX)
chmod 755 "$dir"
go build -o "$dir/testcluster" ./internal/testdb/testcluster
trap '"$dir/testcluster" stop "$dir/pg" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
TEST_DATABASE_URL=$("$dir/testcluster" start "$dir/pg")
export TEST_DATABASE_URL
echo "cluster up under $dir/pg"

step "tests"
go test -count=1 -timeout 20m "$@" ./...
