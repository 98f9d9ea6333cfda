# Gotong: one entry point for developers and CI.
#   make run    stack + services + demo federation, then the URLs to open
#   make test   lint, types, and every test against the real stack (what CI runs)

SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.9.30
UV := .tools/bin/uv
PY := .venv/bin/python
STACK := .venv/bin/gotong-stack
ASYNCAPI_TOOLS := .tools/asyncapi
ASYNCAPI_DOC := docs/asyncapi/partners.asyncapi.json
PARTNER_JS := .tools/partner-js
SRC_DIRS := shared/src tools/devstack/src tools/testing/src tools/drill/src tools/chaos/src \
            services/members/src \
            services/inventory/src services/payments/src services/reporting/src \
            services/partners/src tools/oidc/src tools/soak/src

.PHONY: help setup up down status lint typecheck test test-unit run stop bench bench-ab browser \
        promtool asyncapi asyncapi-tools drill soak chaos jaeger jaeger-build trace partner-tools \
        image image-tools image-smoke

help:
	@echo "make run     start the stack and services, seed a demo federation, print URLs"
	@echo "make test    ruff, mypy --strict, unit + integration + end-to-end tests"
	@echo "make up|down|status   the local PostgreSQL + Kafka stack only"
	@echo "make stop    stop the services started by 'make run' (the stack keeps running)"
	@echo "make asyncapi   regenerate and validate docs/asyncapi/ (the partner channels)"
	@echo "make drill   the restore drill: base backup + WAL archive, point-in-time restore, checks"
	@echo "make soak    an hour at 100 commands/s on a stack of its own: RSS slopes, p99, backlog, lag"
	@echo "             (SOAK_MINUTES=60, SOAK_ARGS for options; report in soak-results/)"
	@echo "make chaos   ~10 min: load + nemesis + checker on a stack of its own (CHAOS_ARGS=--help)"
	@echo "make jaeger  a local Jaeger (traces in memory) beside 'make run'; 'make trace' shows them"
	@echo "make image   the services' container images (buildah, no Docker daemon); sizes, times"
	@echo "make image-smoke   run each image (podman) on the local stack: migrate, /ready"

# uv is installed into a project-local venv so a fresh machine needs only python3.
$(UV):
	@python3 -m venv .tools
	@.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

# Machines of this kind set PYTHONDONTWRITEBYTECODE, so Python never caches a compiled
# module and every process compiled every module it imported (a rebuild's worker spent
# about 4 s of 30 on it). uv compiles the locked packages once, when it installs them;
# setup compiles the project's own sources (only those that changed). Python still
# reads the .pyc files when told not to write them.
.venv/.synced: $(UV) uv.lock pyproject.toml $(wildcard */pyproject.toml */*/pyproject.toml)
	@$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: .venv/.synced
	@$(PY) -m compileall -q -j 0 $(SRC_DIRS) >/dev/null

# The official AsyncAPI parser, pinned by tools/asyncapi/package-lock.json, in .tools/ (npm
# ci, no install scripts); the tests validate the partner channels' document with it. The
# stamp lives inside node_modules, so deleting that reinstalls.
$(ASYNCAPI_TOOLS)/node_modules/.installed: tools/asyncapi/package.json \
    tools/asyncapi/package-lock.json tools/asyncapi/validate.mjs
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 and npm" \
	  "(apt-get install -y nodejs npm)"; exit 2; }
	@mkdir -p $(ASYNCAPI_TOOLS)
	@cp tools/asyncapi/package.json tools/asyncapi/package-lock.json \
	  tools/asyncapi/validate.mjs $(ASYNCAPI_TOOLS)/
	@cd $(ASYNCAPI_TOOLS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

asyncapi-tools: $(ASYNCAPI_TOOLS)/node_modules/.installed

# Regenerate the AsyncAPI document of the partner channels from the code, and validate it.
asyncapi: setup asyncapi-tools
	@$(PY) -m partners.entrypoints.asyncapi $(ASYNCAPI_DOC)
	@node $(ASYNCAPI_TOOLS)/validate.mjs $(ASYNCAPI_DOC)

up: setup
	@$(STACK) up

down: setup
	@$(STACK) down

status: setup
	@$(STACK) status

# ruff, then the import contracts (pyproject's [tool.importlinter]): the layers of every
# service, no service importing another, the platform importing no service.
lint: setup
	@.venv/bin/ruff check .
	@.venv/bin/lint-imports --no-cache

typecheck: setup
	@.venv/bin/mypy $(SRC_DIRS)

test-unit: setup asyncapi-tools promtool
	@.venv/bin/pytest -m unit -q

# The dashboard test drives a real headless Chromium from Debian's packages.
browser:
	@[ -x /usr/bin/chromium ] || { echo "installing Chromium (apt-get install chromium)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  chromium fonts-liberation >/dev/null; } || \
	  { echo "Chromium is missing: run 'apt-get install -y chromium fonts-liberation' as root"; \
	    exit 2; }

# The alert rules' unit tests and the dashboard's queries are checked by Prometheus' own
# promtool, from Debian's prometheus package (no package has promtool alone; the tests use
# only promtool, and on a host run by systemd the package also starts a server on :9090:
# 'systemctl disable --now prometheus' if that is unwanted).
promtool:
	@command -v promtool >/dev/null || { echo "installing promtool (apt-get install prometheus)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  --no-install-recommends prometheus >/dev/null; } || \
	  { echo "promtool is missing: run 'apt-get install -y prometheus' as root"; exit 2; }

# The services' container images (deploy/image/Containerfile; docs/operations.md, "Images"),
# built without a Docker daemon or a registry: buildah builds them, on a base made from
# Debian's packages with mmdebstrap; podman (with runc: crun refuses cgroups in hybrid mode)
# runs them in the smoke test; skopeo pushes them. All from Debian's packages.
IMAGE_TOOLS := buildah podman runc mmdebstrap skopeo uidmap

image-tools:
	@command -v buildah >/dev/null && command -v podman >/dev/null && command -v runc >/dev/null \
	  && command -v mmdebstrap >/dev/null && command -v skopeo >/dev/null || \
	  { echo "installing $(IMAGE_TOOLS) (apt-get install)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(IMAGE_TOOLS) >/dev/null; } || \
	  { echo "the image tools are missing: run 'apt-get install -y $(IMAGE_TOOLS)' as root"; \
	    exit 2; }

# hadolint first (a dev dependency in uv.lock), then the base (made once per machine) and
# every service's image, tagged as the manifests name them; SERVICES=members ... for some.
image: setup image-tools
	@.venv/bin/hadolint deploy/image/Containerfile
	@$(PY) -m gotong_devstack.images build $(SERVICES)

# Each image on the stack 'make up' started: migrate, then API, relay and consumer as the
# manifests run them (read-only root filesystem, uid 10001), each /ready 200.
image-smoke: image
	@$(PY) -m gotong_devstack.images smoke $(SERVICES)

# Jaeger v2 (the tracing backend: OTLP in, its query API out), built from the Go module
# proxy into .tools/bin by tools/jaeger/go.mod, which pins it as a Go tool (a plain 'go
# install ...@version' is refused: jaeger's go.mod has a replace directive). The end-to-end
# trace test runs it; 'make jaeger' runs it beside 'make run'. A fresh build takes minutes,
# so the binary is kept under the same cache as the Kafka classpath, keyed by the pin (the
# version and a digest of go.mod and go.sum), and copied from there once a machine has it.
JAEGER := .tools/bin/jaeger
JAEGER_PIN := tools/jaeger/go.mod tools/jaeger/go.sum
JAEGER_VERSION := $(shell sed -n 's,^\s*github.com/jaegertracing/jaeger v,,p' tools/jaeger/go.mod | cut -d' ' -f1)
JAEGER_CACHE := $(or $(GOTONG_CACHE_DIR),$(HOME)/.cache/gotong)/jaeger-$(JAEGER_VERSION)-$(shell cat $(JAEGER_PIN) | sha256sum | cut -c1-12)

$(JAEGER): $(JAEGER_PIN)
	@command -v go >/dev/null || { echo "go is missing: install Go 1.24 or newer" \
	  "(apt-get install -y golang-go)"; exit 2; }
	@if [ ! -x $(JAEGER_CACHE)/jaeger ]; then \
	  echo "building Jaeger $(JAEGER_VERSION) (once per machine: 4 to 7 minutes on two cores)"; \
	  mkdir -p $(JAEGER_CACHE) && tmp=$$(mktemp -d $(JAEGER_CACHE)/build.XXXXXX) && \
	  (cd tools/jaeger && GOBIN=$$tmp GOFLAGS=-mod=mod go install \
	    github.com/jaegertracing/jaeger/cmd/jaeger) && \
	  mv $$tmp/jaeger $(JAEGER_CACHE)/jaeger; status=$$?; rm -rf $$tmp; exit $$status; \
	fi
	@mkdir -p $(@D) && cp $(JAEGER_CACHE)/jaeger $@.tmp && mv $@.tmp $@

jaeger-build: $(JAEGER)

# Jaeger in the foreground (Ctrl-C stops it; its traces live in memory only). Services
# started with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 send it their spans.
jaeger: $(JAEGER)
	@echo "Jaeger: OTLP/HTTP on 127.0.0.1:$${GOTONG_JAEGER_OTLP_HTTP_PORT:-4318}, query API on" \
	  "http://127.0.0.1:$${GOTONG_JAEGER_UI_PORT:-16686} ('make trace' reads it); Ctrl-C stops it"
	@$(JAEGER) --config tools/jaeger/jaeger.yaml

# The local Jaeger's traces in the terminal (its UI is not in a binary built from the Go
# module proxy): the latest that began in an API, or ID=<trace id> as a tree of its spans.
trace: setup
	@$(PY) -m gotong_devstack.traces $(ID)

# Partners that are not Python, as make test runs them: a kafkajs consumer with ajv
# (tools/partner-js, pinned by its package-lock.json, npm ci into .tools/, no install
# scripts) that checks every message against the published schemas, and a Java one
# (tools/partner-java, a single source file run on the broker's own client jars).
$(PARTNER_JS)/node_modules/.installed: tools/partner-js/package.json \
    tools/partner-js/package-lock.json tools/partner-js/consume.mjs
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 and npm" \
	  "(apt-get install -y nodejs npm)"; exit 2; }
	@mkdir -p $(PARTNER_JS)
	@cp tools/partner-js/package.json tools/partner-js/package-lock.json \
	  tools/partner-js/consume.mjs $(PARTNER_JS)/
	@cd $(PARTNER_JS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

partner-tools: $(PARTNER_JS)/node_modules/.installed

# Everything CI runs. The stack is started by the same code as 'make up';
# a missing PostgreSQL or Kafka fails the run, it is never skipped.
test: lint typecheck up browser promtool asyncapi-tools jaeger-build partner-tools
	@.venv/bin/pytest -q -p no:cacheprovider

# The restore drill (docs/operations.md, "Backups and restore"): PostgreSQL clusters of its
# own (ports 55470 and 55471, DRILL_ARGS=--port N for others), not the stack's; a short run
# of it is a test in 'make test' (tests/e2e/test_restore_drill.py).
drill: setup
	@$(PY) -m gotong_drill $(DRILL_ARGS)

# The soak (docs/reliability.md, "make soak"): a stack and a platform of its own (PostgreSQL
# 57432, Kafka 61092/61093, ports moved by 200, state in soak-results/stack), an hour of
# open-loop commands, the report in soak-results/<UTC time>/. SOAK_MINUTES=5 for a short
# one; SOAK_ARGS="--rate 50 --keep ..." (python -m gotong_soak --help).
SOAK_MINUTES ?= 60
soak: setup
	@SOAK_MINUTES=$(SOAK_MINUTES) $(PY) -m gotong_soak $(SOAK_ARGS)

# The chaos run (docs/reliability.md, "make chaos"): a stack and platform of its own
# (PostgreSQL 56440, Kafka 60140, APIs 8141-8145: never the stack of 'make up'), open-loop
# load through the APIs while a nemesis kills processes, the broker and the database, then
# a checker. Report in artifacts/chaos/<UTC time>/; exit 1 on a failed check. Not part of
# 'make test' (a 60-second smoke of it is: tests/e2e/test_chaos_smoke.py).
chaos: setup
	@$(PY) -m gotong_chaos $(CHAOS_ARGS)

run: up
	@$(PY) -m gotong_devstack.run

stop: setup
	@$(PY) -m gotong_devstack.run --stop

# The benchmark suite (issue 5): the stack, a bench venv for the eventsourcing anchor and
# py-spy (never the workspace venv), then every scenario; the report lands in
# bench-results/<UTC time>/report.md and report.json. BENCH_ARGS=--quick for a smoke run.
bench: setup
	@$(STACK) up
	@test -x .tools/bench-venv/bin/python || $(UV) venv --quiet --python $(PY) .tools/bench-venv
	@$(UV) pip install --quiet --python .tools/bench-venv/bin/python -r bench/requirements.txt
	@PYTHONPATH=bench $(PY) -m gotong_bench $(BENCH_ARGS)

# This checkout's command path against another checkout's (OTHER=path, with its own .venv),
# both on one stack, in alternating windows: bench/gotong_bench/ab.py says why and how.
bench-ab: setup
	@test -n "$(OTHER)" || { echo "usage: make bench-ab OTHER=<other checkout>"; exit 2; }
	@$(STACK) up
	@test -x .tools/bench-venv/bin/python || $(UV) venv --quiet --python $(PY) .tools/bench-venv
	@$(UV) pip install --quiet --python .tools/bench-venv/bin/python -r bench/requirements.txt
	@PYTHONPATH=bench $(PY) -m gotong_bench.ab --other $(OTHER) $(BENCH_ARGS)
