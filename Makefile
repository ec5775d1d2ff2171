# sitrep — two commands on a fresh machine: `make demo` (installs everything, runs the main job on the
# bundled example reports) and `make test` (the whole suite). Python >= 3.11 is the only prerequisite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup web demo test lint typecheck bench gazetteer docs clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# The map's browser assets (MapLibre GL JS, the Natural Earth basemap): npm ci + build, again only when
# the lock file or the build scripts change. Output in sitrep/web/static/vendor/ (not committed). No package's
# install scripts run (none is needed: every package ships built files), so nothing phones home at install.
WEB_STAMP := sitrep/web/static/vendor/.built
$(WEB_STAMP): web/package.json web/package-lock.json web/build.mjs web/labels.py
	cd web && npm ci --no-audit --no-fund --ignore-scripts && npm run build
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

setup: $(STAMP) web

demo: setup
	$(BIN)/sitrep demo --serve

test: setup
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check sitrep tests bench scripts
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/places.py
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/case2021.py

docs: setup
	$(BIN)/typer sitrep.cli utils docs --name sitrep --output docs/cli.md
	$(BIN)/python -c "from sitrep.settings import settings_reference as r; open('docs/settings.md', 'w').write('# Settings\n\nGenerated from \`sitrep/settings.py\` by \`make docs\`; precedence: defaults < sitrep.toml < SITREP_* < flags.\n\n' + r() + '\n')"

gazetteer: setup
	$(BIN)/sitrep gazetteer build

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
