#!/usr/bin/env bash
# make test: installs what the tests need, checks the code, starts a throwaway PostgreSQL
# cluster, and runs every test (unit, integration, end-to-end) against it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# step names each stage and, at the end, the time each took (the table make test prints).
timings=()
step_name=""
step_start=$SECONDS
step_done() {
	[ -n "$step_name" ] && timings+=("$(printf '%5ds  %s' $((SECONDS - step_start)) "$step_name")")
	step_name=""
}
step() {
	step_done
	step_name=$*
	step_start=$SECONDS
	printf '\n== %s\n' "$*"
}

# One build configuration for everything this script compiles, the image's (Dockerfile):
# the tests, the binaries they start, TestStaticBuild's build and the static checks then
# share each compiled package in the build cache instead of compiling it twice, and
# -trimpath keys the cache by module path, so that a fresh clone reuses it too.
export CGO_ENABLED=0
export GOFLAGS="$(go env GOFLAGS) -trimpath"

# The S3 server's build, when .tools/ lacks it (about a minute of compiling, once), runs
# beside the steps before the tests, which wait on apt, npm and the module proxy.
s3_build_log=$(mktemp /tmp/kycportal-s3-build-XXXXXX)
trap 'rm -f "$s3_build_log"' EXIT
scripts/s3-server.sh --build >"$s3_build_log" 2>&1 &
s3_build_pid=$!

step "tools: Chromium (apt), Playwright driver and axe-core (npm)"
eval "$(scripts/install-e2e-tools.sh)"

step "tools: qpdf (Debian), the parser that checks uploaded PDF reports"
command -v qpdf >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qpdf; }

step "tools: the OpenID provider of the single sign-on tests (zitadel/oidc's example, into .tools/bin)"
go build -o .tools/bin/server ./internal/oidctest/provider
export PORTAL_TEST_OIDC_PROVIDER="$PWD/.tools/bin/server"

step "go.mod is tidy, templates are formatted and generated code is current"
go mod tidy -diff
go tool templ fmt -fail internal/views
go tool templ generate -check

# The static checks need a core for about a minute and the tests wait on browsers and
# timers much of theirs: they run beside the tests, their output kept for the end, at the
# lowest priority, so that they take what the tests leave rather than slow a journey.
step "static checks (go vet, staticcheck, gosec, govulncheck), beside the tests"
static_log=$(mktemp /tmp/kycportal-static-XXXXXX)
trap 'kill "$static_pid" 2>/dev/null; rm -f "$static_log" "$static_log.times" "$s3_build_log"' EXIT
static_checks() {
	local start
	for check in "go vet ./..." "go tool staticcheck ./..." "go tool gosec -quiet -exclude-generated ./..." \
		"scripts/vulncheck.sh"; do
		start=$SECONDS
		printf '\n== %s\n' "$check"
		$check || return
		printf '%5ds  %s (beside the tests)\n' $((SECONDS - start)) "$check" >>"$static_log.times"
	done
}
(renice -n 19 -p "$BASHPID" >/dev/null && static_checks) >"$static_log" 2>&1 &
static_pid=$!

step "throwaway PostgreSQL cluster"
dir=$(mktemp -d /tmp/kycportal-test-XXXXXX)
chmod 755 "$dir"
go build -o "$dir/testcluster" ./internal/testdb/testcluster
cleanup() {
	kill "$static_pid" 2>/dev/null || true
	rm -f "$static_log" "$static_log.times" "$s3_build_log"
	if [[ -f $dir/s3/pid ]]; then kill "$(cat "$dir/s3/pid")" 2>/dev/null || true; fi
	"$dir/testcluster" stop "$dir/pg" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap cleanup EXIT
TEST_DATABASE_URL=$("$dir/testcluster" start "$dir/pg")
export TEST_DATABASE_URL
echo "cluster up under $dir/pg"

step "S3 server: versitygw (posix backend) on loopback, for the blob-store suite"
built=0
wait "$s3_build_pid" || built=$?
cat "$s3_build_log"
((built == 0)) || exit "$built"
eval "$(scripts/s3-server.sh "$dir/s3")"
echo "S3 up at $TEST_S3_ENDPOINT"

# Two go test runs at once, the browser journeys' four packages in one and every other
# package in the other, so that each run's -p slots are its own: in one go test ./... the four
# journey packages, first in the list, took all four slots while the packages that compute
# waited behind them. The other packages' output is printed once both have ended.
# -vet=off: go vet ./..., among the static checks, runs every analyzer go test's own vet
# would, on the same packages and their tests; with empty caches go test's vet was another
# 23 CPU-seconds of facts about every dependency (docs/testing.md).
step "tests"
status=0
test_flags=(-count=1 -vet=off -p 4 -parallel 4 -timeout 20m "$@")
go test "${test_flags[@]}" $(go list ./... | grep -v '/internal/e2e') >"$dir/unit.log" 2>&1 &
unit_pid=$!
go test "${test_flags[@]}" ./internal/e2e/... 2>&1 | tee "$dir/go-test.log" || status=$?
wait "$unit_pid" || status=$?
cat "$dir/unit.log"
cat "$dir/unit.log" >>"$dir/go-test.log"
step_done

step "static checks: their output"
wait "$static_pid" || status=$?
cat "$static_log"
[[ -f $static_log.times ]] && mapfile -t -O "${#timings[@]}" timings <"$static_log.times"
step_done

printf '\n== time per step\n'
printf '%s\n' "${timings[@]}"
printf '\n== time per test package (slowest first)\n'
awk '$1 == "ok" || $1 == "FAIL" { if ($3 ~ /s$/) printf "%8s  %-4s %s\n", $3, $1, $2 }' "$dir/go-test.log" | sort -rn
printf '\nmake test: %d s in all\n' "$SECONDS"
exit "$status"
