# Chengan's two commands: `make run` (set up and serve the demo) and `make test`.
#
# Every step is stamp-based, so a second `make run` only migrates, re-seeds (idempotent)
# and serves. Embedded mode (no DATABASE_URL / REDIS_URL): SQLite and the SQLAlchemy broker
# under var/ (or $CHENGAN_VAR_DIR).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
CHENGAN_VAR_DIR ?= $(CURDIR)/var
export CHENGAN_VAR_DIR

# Python 3.11 exactly (pyproject.toml says so): python3.11, else python3 when it is 3.11.
PYTHON311 := $(shell command -v python3.11 2>/dev/null || \
	(python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3))

PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run setup install test lint format bench messages translations migrate seed static clean distclean

## run: set everything up, seed the demo and serve http://127.0.0.1:8000 with a Celery worker and beat
run: setup static
	@bash scripts/serve.sh

## setup: everything `run` does except serving
setup: install translations migrate seed

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON311)" ]; then \
		echo "Chengan needs Python 3.11 (python3.11 or a python3 that is 3.11)." >&2; exit 1; fi
	@if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $(PYTHON311)"; "$(PYTHON311)" -m venv $(VENV); fi
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package-lock.json package.json
	@command -v npm >/dev/null || { echo "Chengan needs Node.js and npm (front-end libraries)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## translations: compile locale/*/LC_MESSAGES/django.po to .mo (Babel; no GNU gettext needed)
translations: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	$(MANAGE) compile_translations --force $<

migrate: $(VENV)/.installed node_modules/.installed
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

# Under DEBUG (the default) runserver serves static files from the finders; only a
# non-debug run needs them collected.
static: $(VENV)/.installed node_modules/.installed
	@case "$${DEBUG:-1}" in \
		0|false|False|no|off) $(MANAGE) collectstatic --noinput --verbosity 0 ;; \
		*) : ;; \
	esac

## lint: ruff (lint and format) and migrations in step with the models
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## test: lint, then the whole suite, serially (browser tests share a live server and test DB).
## Any non-zero pytest status fails, 5 ("no tests collected") included.
test: install translations lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## bench: list pages' query count and time at 10 / 1,000 / 10,000 rows, the deadline sweep over 10,000 milestones, the risk map's data over 20,000 points, and the hazard ledger export job over 10,000 and 100,000 hazards (time, peak memory), on throwaway databases
bench: install translations
	$(PY) scripts/bench_lists.py $(BENCH_ARGS)
	$(PY) scripts/bench_sweep.py $(BENCH_SWEEP_ARGS)
	$(PY) scripts/bench_risk_map.py $(BENCH_MAP_ARGS)
	$(PY) scripts/bench_export.py $(BENCH_EXPORT_ARGS)

## messages: refresh locale/en/LC_MESSAGES/django.po (needs GNU gettext; developers only)
messages: $(VENV)/.installed
	@command -v xgettext >/dev/null || { echo "makemessages needs GNU gettext (apt-get install gettext)." >&2; exit 1; }
	$(MANAGE) makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules \
		--ignore=var --ignore=staticfiles --ignore=build --ignore=tests
	$(MAKE) translations

## clean: generated files (static, .mo, caches); keeps .venv, node_modules and var/
clean:
	rm -rf staticfiles build *.egg-info .pytest_cache .ruff_cache .hypothesis "$(CHENGAN_VAR_DIR)/bench"
	rm -f $(MO_FILES)
	find . -name __pycache__ -type d -not -path './node_modules/*' -not -path './$(VENV)/*' -prune -exec rm -rf {} +

## distclean: also the installed environments (.venv, node_modules); var/ stays
distclean: clean
	rm -rf $(VENV) node_modules
