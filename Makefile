# The journal, from a fresh clone: `make run` serves it, `make test` checks it.
# Both set everything up first (a virtual environment in .venv, the database schema).

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app journal

.DEFAULT_GOAL := help
.PHONY: help venv system migrate run dev test test-postgres lint clean

help:
	@echo "make run      set up, migrate and serve on http://$(HOST):$(PORT) (gunicorn)"
	@echo "make dev      the same with Flask's debug server, reloading on changes"
	@echo "make test     set up and run the whole test suite"
	@echo "make test-postgres  the suite again on a throwaway PostgreSQL server"
	@echo "make migrate  bring the database schema up to date"
	@echo "make lint     check the code with ruff"
	@echo "make clean    remove caches and build files (never the data in instance/)"

# What is installed into .venv: `make run` takes only what the journal needs to serve
# (plus the PostgreSQL driver when JOURNAL_DATABASE_URL, here or in .env, names
# PostgreSQL); `make test` and `make lint` add their tools. The journal itself runs
# from the checkout, so nothing is built. Each set is reinstalled only when
# pyproject.toml changes.
USES_POSTGRES := $(findstring postgres,$(JOURNAL_DATABASE_URL) $(shell grep -s '^JOURNAL_DATABASE_URL' .env))
RUN_GROUPS := $(if $(USES_POSTGRES),postgres)
PIP := $(BIN)/python -m pip --disable-pip-version-check

venv: $(VENV)/.run-installed

$(BIN)/python:
	scripts/system-packages run
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(PYTHON) scripts/requirements.py $(RUN_GROUPS) > $(VENV)/requirements-run.txt
	$(PIP) install --quiet --quiet -r $(VENV)/requirements-run.txt
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PYTHON) scripts/requirements.py test postgres > $(VENV)/requirements-test.txt
	$(PIP) install --quiet --quiet -r $(VENV)/requirements-test.txt
	touch $@ $(VENV)/.run-installed

$(VENV)/.lint-installed: pyproject.toml | $(BIN)/python
	$(PYTHON) scripts/requirements.py lint > $(VENV)/requirements-lint.txt
	$(PIP) install --quiet --quiet -r $(VENV)/requirements-lint.txt
	touch $@

# The system packages the tests use (Chromium, PostgreSQL): installed when this runs as
# root with apt-get, otherwise named in one line, and their tests skipped.
system:
	@scripts/system-packages test

migrate: venv
	$(FLASK) db upgrade

run: venv migrate
	@echo
	@echo "The journal is starting: open http://$(HOST):$(PORT) and create an account:"
	@echo "the first account becomes the administrator."
	@echo "Or create it from a terminal: $(BIN)/flask --app journal create-user NAME --admin"
	@echo
	$(BIN)/gunicorn -c gunicorn.conf.py

dev: venv migrate
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

# The tests build their own databases, so no migrate here. Extra pytest options:
# make test ARGS='-k cli -x'
# The whole suite on SQLite, then again on a throwaway PostgreSQL server that the tests
# start on 127.0.0.1 (the browser and load tests and the access matrix run once: they
# exercise the pages and the routes, which no database decides).
ON_POSTGRES := -m "not browser and not slow and not one_backend"
test: system $(VENV)/.test-installed
	$(BIN)/python -m pytest $(ARGS)
	JOURNAL_TEST_DATABASE=postgresql $(BIN)/python -m pytest $(ON_POSTGRES) $(ARGS)

test-postgres: system $(VENV)/.test-installed
	JOURNAL_TEST_DATABASE=postgresql $(BIN)/python -m pytest $(ON_POSTGRES) $(ARGS)

lint: $(VENV)/.lint-installed
	$(BIN)/ruff check .

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
