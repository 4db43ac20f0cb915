# rollkeeper: `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit browser fuse faketime bench report-sample clean

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

## Set up, then run the daemon on a demo cart built afresh in ./demo (see README, Quick start).
run: $(STAMP)
	$(BIN)/python -m rollkeeper.cli.demo

## Set up, then lint, type-check and run the whole test suite (installs chromium when missing,
## for the HTML report's browser tests; where it cannot, those tests are skipped and say why).
test: $(STAMP) browser fuse faketime lint typecheck unit

browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium) || \
		echo "chromium could not be installed: the HTML report's browser tests will be skipped"

# libfuse 2, for the FUSE pass-through whose reads fail on demand (tests/fusefail.py); where it
# cannot be installed, those tests are skipped and say why.
fuse:
	ls /usr/lib/*/libfuse.so.2 >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq libfuse2) || \
		echo "libfuse2 could not be installed: the failing-read tests will be skipped"

# libfaketime, to move the daemon's wall clock under it (tests/integration/test_clock_jumps.py);
# where it cannot be installed, that test is skipped and says why.
faketime:
	ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq faketime) || \
		echo "libfaketime could not be installed: the clock-jump test will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# Four workers on two cores: most tests wait on a daemon, a server or a settle time, not the
# CPU (measured: 7 min 14 s in 4 workers, 13 min 22 s in one). Each worker starts its own
# SeaweedFS; tests share nothing else.
unit: $(STAMP)
	$(BIN)/pytest -n 4 --dist worksteal

## Benchmarks (installs xxhsum from Debian when missing); results go in bench/RESULTS.md.
bench: $(STAMP)
	command -v xxhsum >/dev/null || (apt-get update -qq && apt-get install -y -qq xxhash)
	$(BIN)/python bench/verify_throughput.py

## The README's sample HTML report screenshot (docs/images/report-sample.png), in Chromium.
report-sample: $(STAMP) browser
	$(BIN)/python -m tests.unit.reports.report_sample docs/images/report-sample.png

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
