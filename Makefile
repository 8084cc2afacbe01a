# Tandem: the developer entry points. `make demo` runs the platform, `make test` the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := python3 -m uv
RUN := $(UV) run --frozen
STACK := python3 deploy/local/stack.py
SERVICES := python3 deploy/local/services.py
PYTEST_WORKERS ?= 2

.PHONY: help setup up down status demo test unit lint fmt bench services-up services-down

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

setup: ## Install what the demo needs: uv, the services' packages, PostgreSQL, the Kafka jars (idempotent)
	@python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	@# --inexact: a later demo keeps the test tools that `make test` installed. The packages
	@# (PyPI) and the stack (PostgreSQL from apt, Kafka's jars from Maven) download side by side.
	@$(UV) sync --frozen --no-dev --inexact --quiet & packages=$$!; \
	  $(STACK) install; installed=$$?; wait $$packages && exit $$installed

.PHONY: setup-test
setup-test: setup ## Also what the tests need: the dev dependencies, helm and docker compose (built with Go), Chromium
	@$(UV) sync --frozen --quiet
	@bash deploy/tools/install.sh
	@sh deploy/tools/install-browser.sh

up: ## Start the native Kafka + PostgreSQL stack (idempotent)
	@$(STACK) up

down: ## Stop the services and the native stack (data is kept)
	@$(SERVICES) stop
	@$(STACK) down

status: ## Show what runs
	@$(STACK) status; $(SERVICES) status

services-up: ## Migrate and start the services in the background
	@$(SERVICES) start

services-down: ## Stop the services
	@$(SERVICES) stop

DEMO_ARGS ?=
# This sandbox (and some CI images) set PYTHONDONTWRITEBYTECODE: each service process, and each
# restart, would compile every module it imports again, seconds of CPU apiece.
demo services-up: export PYTHONDONTWRITEBYTECODE :=
# Each step stamps its end, so the driver's closing table (and .local/demo-timings.json) shows
# where the wall time went before it started.
DEMO_STAMPS := .local/demo-stamps
STAMP = echo "$(1) $$(date +%s.%N)" >> $(DEMO_STAMPS)
demo: ## The main job: a whole program on the stack (DEMO_ARGS="--people 200 --weeks 4 --seed 3")
	@mkdir -p .local && echo "begin $$(date +%s.%N)" > $(DEMO_STAMPS)
	@$(MAKE) --no-print-directory setup && $(call STAMP,setup: uv sync + jars + PostgreSQL)
	@$(MAKE) --no-print-directory up && $(call STAMP,stack up: Kafka + PostgreSQL)
	@$(MAKE) --no-print-directory services-up && $(call STAMP,services migrated and ready)
	@TANDEM_DEMO_STAMPS=$(DEMO_STAMPS) $(UV) run --frozen --no-sync tandem-demo $(DEMO_ARGS)

# Timing-sensitive suites (kills, catch-up, whole-program runs) run one at a time after the rest:
# beside other heavy tests on 2 cores they wait on slowed projections, not on wrong code.
SERIAL_TESTS := tests/faults tests/e2e services/analytics/tests services/notifications/tests
# Property tests get their full example budget here; `make unit` runs the small one (conftest.py).
test: export HYPOTHESIS_PROFILE ?= thorough
test: setup-test up ## The whole suite on the real servers (lint, schema checks, tests)
	@$(MAKE) --no-print-directory lint
	$(RUN) pytest -n $(PYTEST_WORKERS) --dist loadfile $(addprefix --ignore=,$(SERIAL_TESTS))
	$(RUN) pytest -n 0 $(SERIAL_TESTS)

# Compiled bytecode is kept even where the environment turns it off (this sandbox does): each
# xdist worker imports every module, and recompiling them all costs more than the tests.
unit: export PYTHONDONTWRITEBYTECODE :=
unit: ## Every unit test (domain, handlers on fakes): no server needed
	$(RUN) pytest -q -n $(PYTEST_WORKERS) --dist loadfile libs/*/tests/unit services/*/tests/unit tests/unit

lint: ## ruff, mypy --strict on libs/ and services/, the event schema compatibility check
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy libs/service/src libs/events/src libs/testkit/src libs/demo/src services/*/src
	$(RUN) tandem-events schemas check

fmt: ## Format and fix what ruff can
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

bench: setup up ## Run the benchmarks; figures go to bench/results/ and docs/performance.md
	@for b in bench/*/run.py; do echo "== $$b"; $(RUN) python $$b || exit 1; done
