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

## Extract every plan in input/ to output/ (JSON, CSV, issues), store the three revisions and show what changed
demo: $(STAMP)
	@mkdir -p output
	@set -e; for pdf in input/*.pdf; do \
	  name=$$(basename "$$pdf" .pdf); \
	  $(BIN)/actionplan extract "$$pdf" --format json -o "output/$$name.json"; \
	  $(BIN)/actionplan extract "$$pdf" --format csv -o "output/$$name.csv"; \
	  $(BIN)/actionplan validate "$$pdf" > "output/$$name.issues.txt"; \
	done
	$(BIN)/actionplan ingest input/kcc-2014.pdf input/kcc-2015.pdf input/kcc-2015q4.pdf
	$(BIN)/actionplan revisions
	$(BIN)/actionplan diff --format json > output/changes.json
	$(BIN)/actionplan diff
	$(BIN)/actionplan tracker -o output/tracker.xlsx
	$(BIN)/actionplan tracker --by-owner output/owners
	$(BIN)/actionplan report --meta input/paper.toml $$(command -v soffice >/dev/null && echo --pdf)
	@echo "Done: see output/ (records, issues, the store actionplan.db, changes.json, tracker.xlsx, owners/, committee-paper.docx/.pdf)"

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
