# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast checks lint format check-python install install-dev migrate seed messages load saturation lighthouse bench topology clean

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s); set PYTHON=python3.x" % sys.version.split()[0])'

$(PY): | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# jour_relabel first: a database made before the apps' labels became jour_people and so on is
# moved to them (a no-op on any other database; jour_core/relabel.py).
migrate: install
	$(PY) manage.py jour_relabel
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make run: set up everything and serve the demo on http://127.0.0.1:8000, with the task worker
## (email) running beside the server; Ctrl-C stops both.
run: seed
	@echo "\nServing on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/), task worker beside it. Stop with Ctrl-C."
	@$(PY) manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

## make test: lint, the architecture contracts and the whole test suite
test: checks
	$(BIN)/pytest $(PYTEST_ARGS)

## make test-fast: the same checks, and the suite without the slow tests (marked slow: the
## subprocesses that start from zero, i.e. make bench, the plugin host, the wheel)
test-fast: checks
	$(BIN)/pytest -m "not slow" $(PYTEST_ARGS)

# What make test and make test-fast check before the suite: lint, the import contracts, no
# missing migration, production's deployment checks.
checks: lint
	$(PY) manage.py jour_relabel --settings=lms.settings.test
	$(PY) manage.py makemigrations --check --dry-run --settings=lms.settings.test
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" ALLOWED_HOSTS=jour.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING --settings=lms.settings.production

## make bench: warm and cold timings as ratios against baselines (SCALE=small|umbrella|national; DATABASE_URL for PostgreSQL, national needs it)
SCALE ?= small
bench: install-dev
	$(PY) -m benchmarks --scale $(SCALE)

## make load: a bounded load test on 127.0.0.1 (gunicorn + locust; LOAD_USERS, LOAD_SECONDS)
load: install-dev
	$(PY) loadtest/run.py

## make saturation: stepped load until p95 passes 500 ms, for a trivial view, feed polls and the mixed load
saturation: install-dev
	$(PY) loadtest/saturation.py

## make topology: the production topology as README "Run it in production" sets it up (PostgreSQL
## at DATABASE_URL, redis-server, gunicorn with 3 workers; tests/topology/run.py). Not in make test.
topology: install-dev
	$(PY) tests/topology/run.py
## make lighthouse: Lighthouse (performance, accessibility) on the production server (gunicorn on
## 127.0.0.1, the demo data) in Chromium; exits 1 below the thresholds (LIGHTHOUSE_RUNS, LIGHTHOUSE_PAGES)
LIGHTHOUSE_NPM := tests/lighthouse/node_modules/.installed
lighthouse: install-dev $(LIGHTHOUSE_NPM)
	$(PY) tests/lighthouse/run.py

# Lighthouse at the version package-lock.json pins, in tests/lighthouse/node_modules (never global).
$(LIGHTHOUSE_NPM): tests/lighthouse/package.json tests/lighthouse/package-lock.json
	cd tests/lighthouse && npm ci --no-audit --no-fund
	@touch $@

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make messages: extract and compile the Swedish translations (needs GNU gettext)
messages: install
	cd jour_core && ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd people && ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd courses && ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd certifications && ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	cd quality && ../$(PY) ../manage.py makemessages -l sv --no-obsolete
	$(PY) manage.py makemessages -l sv --no-obsolete --ignore=jour_core/* --ignore=people/* --ignore=courses/* --ignore=certifications/* --ignore=quality/* --ignore=$(VENV)/* --ignore=tests/*
	$(PY) manage.py compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts tests/lighthouse/node_modules
