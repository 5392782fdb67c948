# Ruta — every target installs what it needs from nothing (Python 3.11 and make).
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
UV    := $(VENV)/bin/uv
RUTA  := $(VENV)/bin/ruta
STAMP := $(VENV)/.installed-dev

.PHONY: install demo test lint typecheck pytest pathways-test i18n bench sysdeps services clean

$(UV):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet uv==0.13.8

# --inexact keeps uv itself inside the venv it manages.
$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --inexact --all-extras --group dev --compile-bytecode
	@# The project is installed editable and PYTHONDONTWRITEBYTECODE may be set: compile its
	@# own modules too, or every command compiles them again (0.1 s of a small dedupe).
	$(VENV)/bin/python -m compileall -q src/ruta > /dev/null
	touch $@

install: $(STAMP)

# System packages the tests use (Chromium and axe-core for pages, a JVM for Spark); idempotent.
sysdeps:
	@bash scripts/ensure-sysdeps.sh
	@bash scripts/ensure-browser-deps.sh

# Database servers the tests talk to; idempotent.
services:
	@bash scripts/ensure-postgres.sh

demo: install
	$(RUTA) demo

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy src/ruta

pathways-test: install
	$(RUTA) pathways test

# Translation catalogs: extract each package's messages (Python and Jinja2, mapping in
# src/ruta/locales/babel.cfg), update every language's catalog, then check them: a message
# missing, untranslated, fuzzy, unused or with broken placeholders fails. docs/translating.md
i18n: install
	$(PY) -m ruta.i18n update
	$(PY) -m ruta.i18n check

# The suite on one pytest-xdist worker per core (CONTRIBUTING.md, "Running the tests");
# PYTEST_WORKERS=0 runs it in this process, as a debugger needs.
PYTEST_WORKERS ?= auto
pytest: install sysdeps services
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

test: install sysdeps services lint pathways-test pytest

bench: install
	$(UV) sync --frozen --inexact --all-extras --group dev --group bench
	$(PY) -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
