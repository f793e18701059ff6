# visage-hub — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     ?= bin/visage-hub
PKGS    := ./...
BENCHTIME ?= 5s

.PHONY: run build test test-go test-zapier node-deps lint bench clean docs-renderer n8n-package e2e

## run: start a hub on 127.0.0.1:8080 with SQLite in ./data (no setup needed)
run:
	$(GO) run ./cmd/visage-hub serve

## build: compile the binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/visage-hub

# NODE_DIRS are the npm packages the tests run (platform validators and the
# Zapier app). Each is installed from its lock file when missing or stale, so
# `make test` works on a fresh checkout with only Go, Node and npm present.
NODE_DIRS := schemas/platform/zapier-check schemas/platform/n8n-check integrations/zapier
NODE_STAMPS := $(addsuffix /node_modules/.package-lock.json,$(NODE_DIRS))

%/node_modules/.package-lock.json: %/package-lock.json
	npm ci --prefix $* --no-audit --no-fund

## node-deps: install the npm packages the tests need (from their lock files)
node-deps: $(NODE_STAMPS)

## test: lint, then every test on SQLite and a throwaway PostgreSQL, the Zapier suite, and the n8n package\'s build, strict lint and unit tests
test: lint node-deps test-go test-zapier n8n-package

test-go:
	$(GO) test -count=1 -timeout 20m $(PKGS)

## test-zapier: the Zapier app's jest suite against a real hub (needs `npm ci --prefix integrations/zapier`)
test-zapier:
	npm test --prefix integrations/zapier

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

## n8n-package: build the n8n community node package and run n8n's strict linter on it
## (installs its toolchain on first use; --ignore-scripts: see integrations/n8n/README.md)
n8n-package:
	@test -x integrations/n8n/node_modules/.bin/n8n-node || npm ci --prefix integrations/n8n --ignore-scripts --no-audit --no-fund
	cd integrations/n8n && CI=true ./node_modules/.bin/n8n-node build && CI=true ./node_modules/.bin/n8n-node lint && node --test test/*.test.js

## e2e: run the n8n package in a real n8n 2.8.4 against a real hub (installs n8n into
## $$VISAGE_N8N_HOME, default ~/.cache/visage-hub/n8n-2.8.4, on first use: ~5 min, 2.3 GB)
e2e: n8n-package
	$(GO) test -count=1 -tags e2e -timeout 30m -v ./integrations/e2e/

## bench: throughput and latency figures (loopback only); BENCHTIME sets each run's length
bench:
	VISAGE_BENCH_DURATION=$(BENCHTIME) $(GO) test -run '^$$' -bench . -benchtime 1x -timeout 60m ./hub/bench/

## docs-renderer: refresh the Redoc bundle served at /docs from the npm registry (version pinned in the script)
docs-renderer:
	bash scripts/update-docs-renderer.sh

clean:
	rm -rf bin data
