# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test lint bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $@

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
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_extract.py
	$(BIN)/python benchmarks/bench_scale.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
