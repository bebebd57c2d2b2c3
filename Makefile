# Two commands for a fresh machine:  make site  (build the site)  and  make test  (run every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SITE_STAMP := $(VENV)/.site-installed
TEST_STAMP := $(VENV)/.test-installed
CHROMIUM := /usr/bin/chromium
PORT   ?= 8000

.PHONY: site test serve validate chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins every transitive dependency; pyproject.toml pins the direct ones.
$(SITE_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

# The package's bytecode, written ahead: an environment with PYTHONDONTWRITEBYTECODE set (CI, sandboxes) would
# otherwise compile every module at each run (0.1 s of each build).
COMPILED := $(VENV)/.compiled
$(COMPILED): $(SITE_STAMP) $(shell find src/ocop -name '*.py')
	$(BIN)/python -m compileall -q src/ocop
	touch $@

$(TEST_STAMP): $(SITE_STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $@

## site: set up, validate every record and build the static site into output/
site: $(SITE_STAMP) $(COMPILED)
	$(BIN)/ocop build

## validate: check every record and print problems as file:line: field: message
validate: $(SITE_STAMP) $(COMPILED)
	$(BIN)/ocop validate

## serve: serve output/ on http://localhost:$(PORT)/ (default 8000), with the site's 404 page
serve:
	@test -f output/index.html || $(MAKE) site
	$(BIN)/ocop serve --port $(PORT)

## chromium: Debian's Chromium for the browser tests (installed once, as root or with sudo)
chromium:
	@test -x $(CHROMIUM) || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## test: set up and run every test (unit, build, real data, headless browser)
test: $(TEST_STAMP) $(COMPILED) chromium
	$(BIN)/pytest -n 2 -q

## bench: build benchmark at 1,000, 20,000 and 100,000 synthetic products, then the search benchmark (half an hour; not in make test)
bench: $(TEST_STAMP) $(COMPILED) chromium
	$(BIN)/python scripts/bench_build.py --sizes 1000 20000 100000
	$(BIN)/python scripts/bench_search.py

clean:
	rm -rf output $(VENV) .pytest_cache .cache
