#!/usr/bin/env bash
# govulncheck against a local copy of the Go vulnerability database, built from the
# golang.org/x/vulndb module (its data/osv entries) through the module proxy: no other
# network. Fails on a vulnerability the portal reaches, unless scripts/vulncheck-accepted.txt
# names it with the reason it does not apply or cannot be fixed here yet.
#
# It reads the binary we ship, built as the image builds it but with its symbol table kept
# (-mode binary: its modules, Go version and the symbols linked in), not the source tree:
# that is what a bank asks of what runs, and it takes a quarter of a second where type-checking
# every package again, the tests' tools included, took 20 CPU-seconds (docs/testing.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

vulndb=v0.0.0-20261105234957-e22db6528018 # golang.org/x/vulndb: move it on to see newer entries
db=.tools/vulndb/$vulndb
if [ ! -f "$db/index/db.json" ]; then
	src=$(go mod download -json "golang.org/x/vulndb@$vulndb" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	go run "golang.org/x/vulndb/cmd/indexdb@$vulndb" -vulns "$src/data/osv" -out "$db.tmp"
	rm -rf "$db" && mv "$db.tmp" "$db"
fi
go build -o .tools/vulncheck/portal ./cmd/portal
go tool govulncheck -db "file://$PWD/$db" -mode binary -format json .tools/vulncheck/portal >.tools/govulncheck.json
python3 - .tools/govulncheck.json scripts/vulncheck-accepted.txt <<'PY'
import json, sys
text = open(sys.argv[1]).read()
dec, i, called = json.JSONDecoder(), 0, set()
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i == len(text):
        break
    msg, i = dec.raw_decode(text, i)
    f = msg.get("finding")
    if f and any(frame.get("function") for frame in f.get("trace", [])):
        called.add(f["osv"])
accepted = {line.split()[0] for line in open(sys.argv[2]) if line.strip() and not line.startswith("#")}
for osv in sorted(called):
    print(("accepted " if osv in accepted else "NOT ACCEPTED ") + osv)
sys.exit(1 if called - accepted else 0)
PY
