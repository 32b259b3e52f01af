# Candour: everything a fresh machine needs is set up by these targets.
#   make serve   the site of the example cases at http://127.0.0.1:8000, reloading on edits
#   make test    the whole test suite
#   make build   the site into site/
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM   := /usr/bin/chromium
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test corpora build validate lint bench lock clean chromium

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Candour needs Python 3.11 or newer"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

serve: $(STAMP)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)
	$(BIN)/mkdocs build --strict

validate: $(STAMP)
	$(BIN)/candour validate

# axe-core for the accessibility tests, pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "The browser tests need Debian's chromium: run 'sudo apt-get install chromium'"; exit 1; fi; }

# Every dependency as a wheel, for the test that installs the built package in a fresh environment
# with no network and no lock file (it resolves the package's own declared dependencies from here).
WHEELHOUSE := .wheelhouse/.filled
$(WHEELHOUSE): requirements.lock
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check -r requirements.lock -w .wheelhouse
	touch $@

test: $(STAMP) $(NODE_STAMP) $(WHEELHOUSE) chromium
	CANDOUR_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -m "not corpus"

# The runs over outside data next to this checkout (../shared: the YAML test suite, 60 real
# lessons-learned posts). Not part of `make test`, which needs nothing outside the repository.
corpora: $(STAMP)
	@test -d ../shared/data || { echo "../shared/data is not next to this checkout"; exit 1; }
	$(BIN)/python -m pytest -m corpus

lint: $(STAMP)
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/mypy

# Re-pin every dependency after changing pyproject.toml or requirements.in.
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable --all | grep -v '^pip==' > requirements.lock

clean:
	rm -rf $(VENV) site .pytest_cache node_modules .wheelhouse

# The benchmark: not part of `make test`. Results go to bench-results/ and docs/performance.md.
bench: $(STAMP) $(NODE_STAMP) chromium
	CANDOUR_CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/bench.py $(or $(SIZES),100 1000)
