#!/usr/bin/env bash
# make fuzz: every fuzz target of the module, for FUZZTIME each (30s unless set). Not part of
# make test, which replays the committed seed corpora (testdata/fuzz/) on every run. An input
# that fails is written under its package's testdata/fuzz/: commit it with the fix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
fuzztime=${FUZZTIME:-30s}

mapfile -t files < <(grep -rl --include='*_test.go' '^func Fuzz' internal cmd | sort)
for file in "${files[@]}"; do
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		printf '\n== %s %s (%s)\n' "./$(dirname "$file")" "$target" "$fuzztime"
		go test "./$(dirname "$file")" -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime"
	done
done
