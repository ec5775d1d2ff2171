# sitrep — two commands on a fresh machine: `make demo` (installs everything, runs the main job on the
# bundled example reports) and `make test` (the whole suite). Python >= 3.11 is the only prerequisite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck bench gazetteer clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/sitrep demo

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check sitrep tests bench
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/places.py

gazetteer: setup
	$(BIN)/sitrep gazetteer build

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
