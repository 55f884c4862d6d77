# The KYC agent portal. `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
BIN   := bin/portal
# go.mod names the toolchain (a patch release with security fixes); the machines default to
# their own (GOTOOLCHAIN=local), so make asks for the named one.
export GOTOOLCHAIN := auto

.PHONY: run test bench build generate lint clean

## run: the portal on http://127.0.0.1:8080 with its own PostgreSQL cluster under .data/
run: build
	$(BIN) serve

## test: tools, vet, staticcheck, templ freshness, unit, integration and browser tests
test:
	scripts/test.sh

## bench: lanes F0/F1/F2/FULL, worker and load runs at 1M customers / 10M events (docs/performance.md)
bench:
	scripts/bench.sh

.PHONY: fuzz
## fuzz: every fuzz target for 30 s each (FUZZTIME=…); not part of make test
fuzz:
	scripts/fuzz.sh

.PHONY: soak
## soak: 10 minutes of mixed load under CDP faults, a database restart and a SIGKILL (SOAK_DURATION=…); not part of make test
soak:
	scripts/soak.sh

.PHONY: security
## security: sqlmap and wapiti (Debian) against a throwaway portal on 127.0.0.1; report in .data/security/
security:
	scripts/security.sh

## build: the portal binary (generated templ code is committed)
build:
	CGO_ENABLED=0 go build -trimpath -o $(BIN) ./cmd/portal

## generate: regenerate templ components after editing *.templ
generate:
	go tool templ generate

## lint: go vet and staticcheck
lint:
	go vet ./...
	go tool staticcheck ./...

## clean: remove build output, the local data folder and installed test tools
clean:
	rm -rf bin .data .tools tools/playwright/node_modules
