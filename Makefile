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
.PHONY: help venv migrate run dev test test-postgres lint clean

help:
	@echo "make run      set up, migrate and serve on http://$(HOST):$(PORT) (gunicorn)"
	@echo "make dev      the same with Flask's debug server, reloading on changes"
	@echo "make test     set up and run the whole test suite"
	@echo "make test-postgres  the suite again on a throwaway PostgreSQL server"
	@echo "make migrate  bring the database schema up to date"
	@echo "make lint     check the code with ruff"
	@echo "make clean    remove caches and build files (never the data in instance/)"

venv: $(STAMP)

# Reinstall only when the dependencies may have changed.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

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
# start on 127.0.0.1 (the browser and load tests run once: they exercise the pages).
test: venv
	$(BIN)/python -m pytest $(ARGS)
	JOURNAL_TEST_DATABASE=postgresql $(BIN)/python -m pytest -m "not browser and not slow" $(ARGS)

test-postgres: venv
	JOURNAL_TEST_DATABASE=postgresql $(BIN)/python -m pytest -m "not browser and not slow" $(ARGS)

lint: venv
	$(BIN)/ruff check .

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
