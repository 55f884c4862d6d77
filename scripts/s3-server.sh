#!/usr/bin/env bash
# Starts the S3 server the tests use: versitygw (a maintained S3 gateway, built from the Go
# module proxy with go install into .tools/, never in go.mod), posix backend with
# versioning (object lock needs it), on a free loopback port, under the folder $1.
# Prints the TEST_S3_* lines to export on stdout and the server's pid to $1/pid; the
# caller stops it. Progress goes to stderr. With --build instead of a folder, it only
# builds the server when .tools/ lacks it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=v1.8.0
bin=$root/.tools/versitygw-$version/versitygw
dir=$1

# Its GitHub dependencies are the bulk of its build, and the tests build only six small ones
# of them too: they are compiled without optimisation or inlining. A test server answers a
# few hundred requests, and the cold build takes 111 CPU-seconds instead of 151
# (docs/testing.md).
if [[ ! -x $bin ]]; then
	echo "s3-server: building versitygw $version into .tools/ (about a minute, once)" >&2
	GOBIN=$(dirname "$bin") GOTOOLCHAIN=auto go install "-gcflags=github.com/...=-N -l" \
		"github.com/versity/versitygw/cmd/versitygw@$version" >&2
fi
[[ $dir == --build ]] && exit 0

mkdir -p "$dir/root" "$dir/versions"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
access=portal-test
secret=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
# The credentials go by environment, not on the command line where ps would show them.
ROOT_ACCESS_KEY_ID=$access ROOT_SECRET_ACCESS_KEY=$secret \
	"$bin" --port "127.0.0.1:$port" --quiet posix --versioning-dir "$dir/versions" "$dir/root" \
	>"$dir/log" 2>&1 &
echo $! >"$dir/pid"

# Any HTTP answer (403 unsigned) means it listens.
for _ in $(seq 1 100); do
	if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
		echo "export TEST_S3_ENDPOINT=http://127.0.0.1:$port TEST_S3_ACCESS_KEY=$access TEST_S3_SECRET_KEY=$secret"
		exit 0
	fi
	sleep 0.1
done
echo "s3-server: versitygw did not answer on 127.0.0.1:$port; its log:" >&2
cat "$dir/log" >&2
kill "$(cat "$dir/pid")" 2>/dev/null || true
exit 1
