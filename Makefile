# Qala — two commands do all the set-up on a fresh machine with Python 3.11+, git and make:
#   make run    opens the terminal app (and installs what `qala web build` needs too)
#   make site   builds the offline browser site into site/ (after the same set-up)
#   make test   runs the whole test suite (installs what the tests need first)
# Both work in a virtual environment in .venv; nothing is installed globally except, for the
# browser tests, Debian's chromium and Node.js (with apt-get, when run as root).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run site test lint app-env test-env system-deps web-vendor validate bench clean

run: app-env
	$(BIN)/qala $(ARGS)

site: app-env
	$(BIN)/qala web build --out site

test: test-env lint
	$(BIN)/python -m qala.web.vendor
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The house rules (docs/architecture.md): lint and import order, formatting, types, and the
# import-linter contracts (the core never imports a front end; imports point down the rooms).
lint: test-env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

validate: app-env
	$(BIN)/qala validate --strict

bench: test-env
	$(BIN)/python -m bench

app-env: $(VENV)/.app-installed
test-env: $(VENV)/.test-installed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=70.1" wheel

# The app and the browser build's tools (the `web` extra): the README's next step is `qala web build`.
$(VENV)/.app-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[web]'
	touch $@

$(VENV)/.test-installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,web]'
	$(MAKE) --no-print-directory system-deps
	touch $@

# Debian's chromium (driven by Playwright), Node.js (runs the grader under real Pyodide) and
# gettext (msgfmt checks the translation catalogs).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "note: install$$missing (e.g. sudo apt-get install$$missing) for the browser and catalog tests"; \
	fi

# The pinned, checksummed pieces of the offline browser build (Pyodide from npm, kernel wheels from PyPI).
web-vendor: test-env
	$(BIN)/python -m qala.web.vendor

clean:
	rm -rf $(VENV) build dist *.egg-info _site site
