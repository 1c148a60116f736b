# LIBRI portal: the two commands a newcomer needs are `make run` and `make test` (see README.md).
#
# Every target is safe to run again: the virtualenv is rebuilt only when requirements.lock changes
# (a stamp file records the last install), migrations and message compilation skip what is up to date,
# and the demo data loader is idempotent.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements.lock.installed
LANGUAGES := lv en uk ru
# Development runs (`make run`, management commands) use DEBUG=1: SQLite, console e-mail, Celery tasks inline.
DEV := DEBUG=1
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test PYTEST_ARGS="-m 'not browser' -x"`.
PYTEST_ARGS ?=
# makemessages skips hidden directories (.venv, .git) already; these hold no source of ours.
MESSAGE_IGNORES := --ignore=staticfiles --ignore=media --ignore=tests --ignore=benchmarks

# Production-like variables for `make check-deploy`; the README's configuration section documents them.
DEPLOY_ENV := DEBUG=0 \
	SECRET_KEY=check-deploy-only-3c1f0e8a5b7d46a2b9e0f4c6d8a1b3e5f7091a2b3c4d5e6f \
	ALLOWED_HOSTS=libri.example.org CSRF_TRUSTED_ORIGINS=https://libri.example.org \
	SITE_URL=https://libri.example.org BEHIND_TLS_PROXY=1 SECURE_HSTS_PRELOAD=1

.PHONY: run test install migrate compilemessages demo messages lint format check-deploy drill clean

run: migrate compilemessages demo
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found; install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "make: LIBRI needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1). Run e.g. 'make run PYTHON=python3.11'." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { echo "make: could not create $(VENV); on Debian install python3-venv." >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

migrate: $(STAMP)
	$(DEV) $(BIN)/python manage.py migrate --noinput

compilemessages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "make: msgfmt not found; install GNU gettext (Debian/Ubuntu: apt-get install gettext, macOS: brew install gettext)." >&2; exit 1; }
	$(DEV) $(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles --verbosity=0

demo: migrate
	$(DEV) $(BIN)/python manage.py load_demo

# Refresh the catalogues after changing user-facing strings; then translate the new entries in locale/.
messages: $(STAMP)
	$(DEV) $(BIN)/python manage.py makemessages $(addprefix --locale=,$(LANGUAGES)) --no-location --no-obsolete $(MESSAGE_IGNORES)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-deploy: $(STAMP)
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING

# The fault drill (deploy/drill.py): nginx, two web nodes, Redis, Celery and a database of its own on this machine,
# broken on purpose and checked from outside. Needs nginx, openssl, redis-server, wrk and a PostgreSQL server.
drill: compilemessages
	$(BIN)/python deploy/drill.py $(DRILL_ARGS)

clean:
	rm -rf $(VENV) staticfiles
	find . -path ./.git -prune -o -name '*.mo' -path '*/locale/*' -print -delete
