# Cancer Care Guide. `make` or `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
CAREGUIDE := $(VENV)/bin/careguide
PORT ?= 8000
HOST ?= 127.0.0.1
# Where `make run` keeps its database, media, secret key and static files.
DATA_DIR ?= var
WORKERS ?= 2
# How many people write at once in `make bench-writes`.
BENCH_WRITERS ?= 8

export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_NO_PROGRESS := 1

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-16s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

.PHONY: install
install: $(UV) ## install the application into .venv from uv.lock
	$(UV) sync --frozen --inexact --quiet

.PHONY: install-test
install-test: $(UV) ## install the application and test tools into .venv
	$(UV) sync --frozen --inexact --quiet --group test

.PHONY: run
run: install ## migrate, load content, create demo accounts and serve http://$(HOST):$(PORT)
	@DATA_DIR="$(DATA_DIR)" HOST="$(HOST)" PORT="$(PORT)" WORKERS="$(WORKERS)" scripts/serve

.PHONY: test-deps
test-deps: ## install the system packages tests need (chromium, PostgreSQL) where missing
	@scripts/test-deps

.PHONY: test
test: install-test test-deps ## run every test: lint, migrations, SQLite, then PostgreSQL
	$(VENV)/bin/ruff check careguide tests scripts
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python scripts/check-module-size
	DJANGO_SETTINGS_MODULE=careguide.config.settings.test $(CAREGUIDE) makemigrations --check --dry-run
	$(VENV)/bin/python -m careguide.library.content.check content --facts tests/data/seed_facts.yaml > /dev/null
	$(VENV)/bin/pytest
	scripts/with-postgres $(VENV)/bin/pytest

.PHONY: bench-deps
bench-deps: ## install wrk and nginx (Debian packages) for the benchmarks, where missing
	@scripts/bench-deps

.PHONY: bench-pages
bench-pages: install bench-deps ## library pages: gunicorn (page cache on/off) beside nginx, with wrk; prints figures
	PATH="/usr/sbin:$$PATH" $(VENV)/bin/python scripts/bench_pages.py

.PHONY: bench-triage
bench-triage: install ## side-effect rules: cases/s in-process, then API p50/p99 at 100 req/s from a second process
	$(VENV)/bin/python scripts/bench_triage.py

.PHONY: bench-writes
bench-writes: install test-deps ## BENCH_WRITERS (8) people writing at once on SQLite, then PostgreSQL: throughput, p50/p99, errors
	$(VENV)/bin/python scripts/bench_writes.py --writers $(BENCH_WRITERS)

.PHONY: install-bench
install-bench: $(UV)
	$(UV) sync --frozen --inexact --quiet --group bench

.PHONY: bench-search
bench-search: install-bench test-deps ## search vs plain BM25: the dev questions, then 100,000 passages, on SQLite and PostgreSQL
	scripts/bench-search

.PHONY: check-content
check-content: install ## reading grade of every page and seed-fact coverage, from content/ alone
	$(VENV)/bin/python -m careguide.library.content.check content --facts tests/data/seed_facts.yaml

.PHONY: review-due
review-due: install ## list library pages whose clinical review is due or overdue
	@DATA_DIR="$(DATA_DIR)" scripts/with-local-env $(CAREGUIDE) review-due

.PHONY: lock
lock: $(UV) ## refresh uv.lock after changing pyproject.toml
	$(UV) lock

.PHONY: clean
clean: ## remove the virtual environment and local data
	rm -rf $(VENV) $(DATA_DIR) .pytest_cache
