# Two commands on a fresh clone: `make run` and `make test`. Both need only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := DEBUG=1

.PHONY: install run test lint bench data

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(STAMP)

install: $(STAMP)

data: install
	$(DEMO) $(BIN)/python manage.py migrate --noinput
	$(DEMO) $(BIN)/python manage.py load_sefton
	$(DEMO) $(BIN)/python manage.py load_demo

# The task worker (reports, imports, reminders) runs beside the web server; Ctrl-C stops both.
PORT ?= 8000
run: data
	@echo "Serving on http://127.0.0.1:$(PORT)/ (sign in at /accounts/login/), with a task worker"
	@$(DEMO) $(BIN)/python manage.py task_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

# Median server time and SQL queries of the main pages, at Sefton's size and 100x (throwaway DB).
bench: install
	$(BIN)/python -m bench
