# The front door. `make demo` and `make test` work from a fresh clone (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ASSETS := improvement/static/compiled/main.css

.DEFAULT_GOAL := help
.PHONY: help install assets demo serve test test-postgres lint bench migrate seed clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install Python dependencies

node_modules/.package-lock.json: package.json
	npm install --no-audit --no-fund
	touch node_modules/.package-lock.json

$(ASSETS): node_modules/.package-lock.json assets/scss/main.scss assets/copy-js.mjs
	npm run build

assets: $(ASSETS) ## Compile govuk-frontend styles and copy scripts

migrate: install ## Apply database migrations
	$(PY) manage.py migrate --no-input

seed: migrate ## Create the fictional demo authority (idempotent)
	$(PY) manage.py seed_demo

demo: install assets seed ## Install everything, seed the demo and serve on 127.0.0.1:8000
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: install assets ## Run the whole test suite (SQLite unless DATABASE_URL is set)
	$(PY) -m pytest -n 2 --dist loadgroup -q

lint: install ## ruff
	$(VENV)/bin/ruff check .

bench: install ## Run the benchmarks and write docs/benchmarks.md
	$(PY) -m bench

clean: ## Remove the virtualenv, node_modules, compiled assets and var/
	rm -rf $(VENV) node_modules improvement/static/compiled var
