# Estate CRM developer commands. The two that matter:
#   make run    local server on http://127.0.0.1:8000 with demo data (SQLite unless DATABASE_URL is set)
#   make test   the whole test suite
# Everything else: make help

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# Touched after a successful install: reinstall only when requirements.txt is newer.
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements.txt

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=
LOCALE_IGNORE := --ignore .venv --ignore staticfiles --ignore node_modules --ignore media --ignore tests

# Local development: DEBUG on (allows the built-in development secret key).
DEV_ENV := DEBUG=true
# `make run` serves like production does (DEBUG off: real 403 / 404 pages) with a local key kept in .env and
# static files served by runserver; `make run DEBUG=true` gives the developer's debug pages back.
DEBUG ?= false
RUN_ENV = DEBUG=$(DEBUG) MANIFEST_STATIC=false
# Production-like settings for `check --deploy`, with a fresh random key each run.
PROD_ENV = DEBUG=false HTTPS=true CRM_TESTING=false ALLOWED_HOSTS=crm.example.com \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')"
# Benchmarks run as in production (no DEBUG query log), without needing collectstatic.
BENCH_ENV ?= DEBUG=false CRM_TESTING=false MANIFEST_STATIC=false \
	SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')}"

.PHONY: help venv run test check lint format messages bench prod worker beat system-deps clean

help:
	@echo "make run       migrate, compile translations, seed demo data, serve on $(HOST):$(PORT) (DEBUG off; DEBUG=true for debug pages)"
	@echo "make test      pytest: parallel suite, then browser + concurrency tests in one process"
	@echo "make check     ruff, formatting, missing migrations, check --deploy (production settings)"
	@echo "make format    ruff --fix and ruff format"
	@echo "make messages  update locale/*.po (zh_Hans, en) and compile them"
	@echo "make bench     seed_bench, then bench"
	@echo "make prod      collectstatic, then gunicorn on $(HOST):$(PORT) (needs SECRET_KEY)"
	@echo "make worker    Celery worker        make beat    Celery beat (run exactly one)"
	@echo "make system-deps   Debian packages: chromium, CJK fonts, WeasyPrint libs, gettext"
	@echo "Variables: PYTHON=$(PYTHON) VENV=$(VENV) HOST=$(HOST) PORT=$(PORT) PYTEST_WORKERS=$(PYTEST_WORKERS) PYTEST_ARGS=..."

# --- virtual environment ------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(REQUIREMENTS) | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
	@touch $(STAMP)

venv: $(STAMP)

# --- everyday -------------------------------------------------------------------------------

run: venv
	$(PY) scripts/local_env.py .env
	$(RUN_ENV) $(PY) manage.py migrate
	@if [ ! -d locale ]; then \
		echo "NOTE: no locale/ directory yet, skipping compilemessages."; \
	elif command -v msgfmt >/dev/null 2>&1; then \
		echo "$(RUN_ENV) $(PY) manage.py compilemessages $(LOCALE_IGNORE)"; \
		$(RUN_ENV) $(PY) manage.py compilemessages $(LOCALE_IGNORE); \
	else \
		echo "NOTE: msgfmt not found, using the committed .mo files."; \
		echo "      To compile translations install gettext (Debian: apt-get install gettext)."; \
	fi
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py runserver --insecure $(HOST):$(PORT)

# Two pytest runs: the bulk in parallel, then browser and concurrency tests in one process.
# Both run even if the first fails; the target fails if either did. Exit 5 ("no tests
# collected") is accepted for the second run only.
test: venv
	@rc1=0; rc2=0; \
	echo "== pytest: unit and integration tests ($(PYTEST_WORKERS) workers) =="; \
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not browser and not concurrency" $(PYTEST_ARGS) || rc1=$$?; \
	echo "== pytest: browser and concurrency tests (one process) =="; \
	$(PY) -m pytest -m "browser or concurrency" -p no:xdist $(PYTEST_ARGS) || rc2=$$?; \
	if [ $$rc2 -eq 5 ]; then echo "(no browser or concurrency tests selected)"; rc2=0; fi; \
	if [ $$rc1 -ne 0 ] || [ $$rc2 -ne 0 ]; then \
		echo "make test FAILED: first run exit $$rc1, second run exit $$rc2"; exit 1; \
	fi

check: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING

lint: check

format: venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: venv
	$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans -l en $(LOCALE_IGNORE)
	$(DEV_ENV) $(PY) manage.py compilemessages $(LOCALE_IGNORE)

bench: venv
	$(BENCH_ENV) $(PY) manage.py seed_bench
	$(BENCH_ENV) $(PY) manage.py bench

# --- production-style processes (settings from the environment or .env) --------------------

prod: venv
	$(PY) manage.py collectstatic --noinput
	$(VENV)/bin/gunicorn crm_site.wsgi -w 2 -b $(HOST):$(PORT) --access-logfile -

worker: venv
	$(VENV)/bin/celery -A crm_site worker -l info

beat: venv
	$(VENV)/bin/celery -A crm_site beat -l info

system-deps:
	bash scripts/install-system-deps.sh

clean:
	rm -rf staticfiles .pytest_cache .ruff_cache .hypothesis test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
