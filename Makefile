# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SUM    := $(shell cksum pyproject.toml | cut -d' ' -f1)
# What the demo needs (the package and its dependencies), and that plus the dev tools (tests, lint, benchmarks).
STAMP     := $(VENV)/.installed-$(SUM)
DEV_STAMP := $(VENV)/.installed-dev-$(SUM)
INSTALL   := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint bench clean setup

setup: $(DEV_STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) -e .
	rm -f $(VENV)/.installed-* && touch $@

$(DEV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(INSTALL) -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP) $@

## Read each plan in input/ once (records as JSON and CSV, and its issues, into output/), store the three
## revisions with their revision dates, show what changed, then the round's outputs at one reporting date
demo: $(STAMP)
	@mkdir -p output
	$(BIN)/actionplan extract input/kcc-2014-borderless.pdf --extracts output
	$(BIN)/actionplan ingest input/kcc-2014.pdf --revision-date 2014-05-31 --extracts output
	$(BIN)/actionplan ingest input/kcc-2015.pdf --revision-date 2015-07-31 --extracts output
	$(BIN)/actionplan ingest input/kcc-2015q4.pdf --extracts output
	$(BIN)/actionplan revisions
	$(BIN)/actionplan diff --format json > output/changes.json
	$(BIN)/actionplan diff
	$(BIN)/actionplan tracker --meta input/paper.toml -o output/tracker.xlsx
	$(BIN)/actionplan tracker --meta input/paper.toml --by-owner output/owners
	$(BIN)/actionplan report --meta input/paper.toml $$(command -v soffice >/dev/null && echo --pdf)
	@echo "Done: see output/ (records and issues, the store actionplan.db, changes.json, tracker.xlsx, owners/, committee-paper.docx/.pdf)"

## Lint, type-check and run the whole test suite
test: $(DEV_STAMP) lint
	$(BIN)/python -m pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/mypy

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
