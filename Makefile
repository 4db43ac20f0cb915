# rollkeeper: `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package is byte-compiled as an installation would be: with PYTHONDONTWRITEBYTECODE set,
# an editable install would otherwise compile every module from source at every start (~0.1 s of
# each `rollkeeper verify`). py_compile writes .pyc files whatever that variable says.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q daemon
	touch $(STAMP)

## Set up, then run rollkeeper on the embedded default (see README).
run: $(STAMP)
	$(BIN)/python -m rollkeeper.cli.demo

## Set up, then lint, type-check and run the whole test suite.
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

## Benchmarks (installs xxhsum from Debian when missing); results go in bench/RESULTS.md.
bench: $(STAMP)
	command -v xxhsum >/dev/null || (apt-get update -qq && apt-get install -y -qq xxhash)
	$(BIN)/python bench/verify_throughput.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
