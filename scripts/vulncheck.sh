#!/usr/bin/env bash
# govulncheck against a local copy of the Go vulnerability database, built from the
# golang.org/x/vulndb module (its data/osv entries) through the module proxy: no other
# network. Fails on a vulnerability our code reaches, unless scripts/vulncheck-accepted.txt
# names it with the reason it does not apply or cannot be fixed here yet.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

vulndb=v0.0.0-20261105234957-e22db6528018 # golang.org/x/vulndb: move it on to see newer entries
db=.tools/vulndb/$vulndb
if [ ! -f "$db/index/db.json" ]; then
	src=$(go mod download -json "golang.org/x/vulndb@$vulndb" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
	go run "golang.org/x/vulndb/cmd/indexdb@$vulndb" -vulns "$src/data/osv" -out "$db.tmp"
	rm -rf "$db" && mv "$db.tmp" "$db"
fi
go tool govulncheck -db "file://$PWD/$db" -format json ./... >.tools/govulncheck.json
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
