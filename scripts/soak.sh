#!/usr/bin/env bash
# make soak: SOAK_DURATION (default 10m) of agents searching, autosaving, uploading and
# submitting, supervisors approving and the worker sending to a faulty CDP sandbox, on a
# throwaway portal and PostgreSQL, with one database restart and one SIGKILL of the portal on
# the way (cmd/portal/soak_test.go, build tag soak). Not part of make test. The table is
# printed and kept in .data/soak/report.md; the run fails when a must-be-0 column is not.
#   SOAK_DURATION=60s make soak     # a short run first
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v qpdf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf; }
mkdir -p .data/soak
export SOAK_DURATION=${SOAK_DURATION:-10m} SOAK_REPORT=$PWD/.data/soak/report.md
echo "soak: $SOAK_DURATION; report in $SOAK_REPORT"
go test -tags soak -count=1 -run '^TestSoak$' -timeout 3h -v ./cmd/portal
