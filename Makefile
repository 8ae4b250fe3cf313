# Care Home Pharmacy Hub: set-up and everyday commands.
#
#   make run    install what is missing, migrate, load the demo data, serve on 127.0.0.1:$(PORT)
#   make test   install what is missing, run the whole test suite (PYTEST_ARGS passed to pytest)
#   make lint   ruff check, ruff format --check, and no ORM in views (scripts/lint_orm_in_views.py)
#   make bench  the national-scale benchmark (PostgreSQL, DATABASE_URL)
#   make backup / make restore [FILE=backups/hub-....dump]   pg_dump / pg_restore of DATABASE_URL
#   make loadtest   serve the hub with gunicorn on PostgreSQL, load it with locust, figures to a file
#   make audit  pip-audit of the installed packages and bandit (high severity) of our code
#
# Needs only python3 (3.11) and npm on the machine; everything else goes into .venv/ and node_modules/.

# Every recipe line runs in bash and stops at the first failing command, pipes included.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

PORT ?= 8000
OIDC_PORT ?= 9400
# The one person the local provider offers with a click: shaped as CIS2 gives a pharmacist.
LOCAL_OIDC_USER := {"sub": "demo-cis2-pharmacist", "name": "Demo Pharmacist", "email": "pharmacist@example.nhs.uk", "authentication_assurance_level": "3", "id_assurance_level": "3", "nhsid_user_orgs": [{"org_code": "RR8", "org_name": "Leeds Teaching Hospitals NHS Trust"}], "nhsid_nrbac_roles": [{"org_code": "RR8", "role_code": "S8000:G8000:R8003", "role_name": "Pharmacist"}]}
PYTEST_ARGS ?=
BENCH_ARGS ?=
BENCH_DATABASE_URL := postgres://postgres@127.0.0.1:5432/hub_bench
BACKUP_DIR := backups
# The newest backup (names carry a sortable UTC timestamp); evaluated when `restore` runs.
FILE ?= $(lastword $(sort $(wildcard $(BACKUP_DIR)/hub-*.dump)))
APPS := config organisations accounts carehomes workstreams discharge actionplan dashboard api nonprod

.PHONY: help install install-python install-node run test lint bench backup restore loadtest audit

help:
	@echo "make run       install, migrate, load demo data, serve on http://127.0.0.1:$(PORT)/"
	@echo "make test      install, run the whole test suite (PYTEST_ARGS=... passed to pytest)"
	@echo "make lint      ruff check, ruff format --check, no ORM in views"
	@echo "make bench     national-scale benchmark (DATABASE_URL, default $(BENCH_DATABASE_URL))"
	@echo "make backup    pg_dump -Fc of DATABASE_URL into $(BACKUP_DIR)/"
	@echo "make restore   pg_restore FILE (default: the newest backup) into DATABASE_URL"
	@echo "make loadtest  gunicorn on PostgreSQL + locust, 50 users for 2 minutes; figures in loadtest-results.json"
	@echo "make audit     pip-audit (installed packages) and bandit (high severity)"

# ---------------------------------------------------------------------------------------------
# Installation: only what is missing or out of date.

install: install-python install-node

install-python: $(PY_STAMP)

install-node: $(NODE_STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstalled when pyproject.toml is newer than the stamp. pip and setuptools are brought up
# to date first (a new venv carries old ones with known vulnerabilities, which `make audit` reports).
$(PY_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip setuptools
	$(PIP) install --quiet -e ".[test]"
	touch $@

# `npm ci` removes node_modules first, so the stamp only exists after a complete install.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# ---------------------------------------------------------------------------------------------
# Everyday commands.

# The embedded default: DEBUG=True, SQLite in db.sqlite3, Celery tasks in-process (no REDIS_URL).
# DATABASE_URL / REDIS_URL in the environment or in .env are honoured if you set them.
# LOCAL_OIDC_PROVIDER=1 also starts a local OpenID Connect provider on 127.0.0.1:$(OIDC_PORT) and
# switches "Sign in with NHS Care Identity" on against it (README "Trying NHS sign-in locally").
run: install
	DEBUG=True $(PY) manage.py migrate --noinput
	DEBUG=True $(PY) manage.py seed_demo
	if [ -n "$${LOCAL_OIDC_PROVIDER:-}" ]; then \
	  $(PY) -m oidc_provider_mock --host 127.0.0.1 --port $(OIDC_PORT) --user-claims '$(LOCAL_OIDC_USER)' & \
	  provider=$$!; trap 'kill $$provider' EXIT; \
	  export CIS2_ISSUER=http://127.0.0.1:$(OIDC_PORT) CIS2_CLIENT_ID=hub-local CIS2_CLIENT_SECRET=local-only; \
	  echo "Local OpenID Connect provider on http://127.0.0.1:$(OIDC_PORT)/ (a test provider: never for real use)"; \
	fi; \
	DEBUG=True $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite's own settings (SECRET_KEY, DEBUG=False, ...) come from pytest-env in pyproject.toml.
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/lint_orm_in_views.py

# Creates the benchmark database if it is missing, migrates it, then runs the benchmark against
# it. A throwaway SECRET_KEY is made for the run when none is set (nothing it signs outlives it).
bench: install
	export DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}"; \
	export SECRET_KEY="$${SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"; \
	$(PY) -c "$$ENSURE_DATABASE"; \
	$(PY) manage.py migrate --noinput; \
	NONPROD_APPS=True $(PY) manage.py bench $(BENCH_ARGS)

backup:
	@$(call require_postgres_url)
	mkdir -p $(BACKUP_DIR)
	stamp="$$(date -u +%Y%m%dT%H%M%SZ)"; \
	pg_dump -Fc --file "$(BACKUP_DIR)/.hub-$$stamp.dump.partial" "$$DATABASE_URL"; \
	mv "$(BACKUP_DIR)/.hub-$$stamp.dump.partial" "$(BACKUP_DIR)/hub-$$stamp.dump"; \
	echo "Backed up to $(BACKUP_DIR)/hub-$$stamp.dump"

restore:
	@$(call require_postgres_url)
	@test -n "$(FILE)" || { echo "No backup found in $(BACKUP_DIR)/; give one with FILE=path/to/hub-....dump" >&2; exit 1; }
	@test -f "$(FILE)" || { echo "Backup file $(FILE) does not exist" >&2; exit 1; }
	@echo "Restoring $(FILE) into DATABASE_URL (existing objects are dropped first)"
	pg_restore --clean --if-exists --no-owner -d "$$DATABASE_URL" "$(FILE)"

# One command: tests/load/run.py makes the load-test database ready (LOADTEST_DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/hub_loadtest with the demo city), serves the hub with gunicorn
# (config/gunicorn.conf.py, DEBUG off) on 127.0.0.1:$(PORT), runs locust (50 users, 2 minutes),
# stops the server and writes the figures, CPU per request and load average to
# loadtest-results.json. LOAD_PROFILE=national: 70% reading, 30% writing for 5 minutes against a
# national data set (default hub_bench, which `make bench` builds), loadtest-national-results.json.
loadtest: install-python
	PORT=$(PORT) $(PY) tests/load/run.py

# pip-audit checks the packages installed in .venv (not the hub itself, which is not on PyPI)
# and fails on a known vulnerability. Packages it could not look up (no access to PyPI's
# vulnerability data) are counted and reported loudly rather than listed one by one.
# bandit fails on any high-severity finding in our code.
audit: install-python
	@echo "$(VENV)/bin/pip-audit --skip-editable"
	@status=0; out="$$($(VENV)/bin/pip-audit --skip-editable 2>&1)" || status=$$?; \
	grep -v 'could not be audited' <<<"$$out" || true; \
	skipped="$$(grep -c 'could not be audited' <<<"$$out" || true)"; \
	if [ "$$skipped" -gt 0 ]; then \
	  echo "WARNING: pip-audit could not look up $$skipped installed packages (PyPI's vulnerability data was unreachable); they were NOT audited." >&2; \
	fi; \
	exit $$status
	$(VENV)/bin/bandit -q -r $(APPS) -lll

# ---------------------------------------------------------------------------------------------
# Helpers.

define require_postgres_url
case "$${DATABASE_URL:-}" in \
  postgres://*|postgresql://*) ;; \
  "") echo "DATABASE_URL is not set; set it to the PostgreSQL database, e.g. postgres://user@host:5432/hub" >&2; exit 1 ;; \
  *) echo "DATABASE_URL must be a postgres:// or postgresql:// URL for pg_dump/pg_restore" >&2; exit 1 ;; \
esac
endef

# Python run by `make bench`: CREATE DATABASE for DATABASE_URL if it does not exist yet.
define ENSURE_DATABASE
import os
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

params = conninfo_to_dict(os.environ["DATABASE_URL"])
name = params.pop("dbname")
with psycopg.connect(make_conninfo(**{**params, "dbname": "postgres"}), autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}")
endef
export ENSURE_DATABASE
