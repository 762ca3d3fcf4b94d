# One-command setup: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install translations run test lint audit messages clean-db benchmark

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) translations

# Compiled catalogues are build products: made from the .po files on every install.
translations: $(STAMP)
	$(BIN)/pybabel compile -d facilities/translations

run: install
	FACILITIES_DEMO=1 $(BIN)/flask --app wsgi db upgrade
	FACILITIES_DEMO=1 $(BIN)/flask --app wsgi demo
	@echo "Serving at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	FACILITIES_DEMO=1 FACILITIES_INSECURE_COOKIES=1 $(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT)

# What the tests need beyond Python (scripts/test-deps: Chromium, axe-core...), the import contracts
# (pyproject.toml [tool.importlinter]: the direction between areas, no cycle), then the suite, in PYTEST_WORKERS
# processes (pytest-xdist, one test file per worker at a time; PYTEST_WORKERS=0 for a single process).
PYTEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)
test: install
	scripts/test-deps
	$(BIN)/lint-imports
	$(BIN)/pytest -q $(XDIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# No template compiled from data (the map injection of issue 12), static analysis of our code (high severity fails) and known vulnerabilities of the installed dependencies.
# pip-audit lists the packages it could not look up (no route to the vulnerability database): read its output.
audit: install
	$(BIN)/pytest -q -p no:cacheprovider tests/test_template_safety.py
	$(BIN)/bandit -q -r facilities gis --severity-level high
	$(BIN)/pip-audit --skip-editable --progress-spinner off

# Refresh the translation catalogues after changing interface strings.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o facilities/translations/messages.pot .
	$(BIN)/pybabel update -i facilities/translations/messages.pot -d facilities/translations --no-fuzzy-matching

# Reset the demo: delete the embedded SQLite database, the uploads and job files under instance/, migrate and load
# the demo again (the secret key stays). A database named by DATABASE_URL is never touched.
clean-db: install
	@if [ -n "$$DATABASE_URL" ]; then echo "DATABASE_URL is set: clean-db only resets the embedded SQLite database under instance/"; exit 1; fi
	rm -rf instance/facilities.sqlite3 instance/facilities.sqlite3-wal instance/facilities.sqlite3-shm instance/imports instance/reports
	FACILITIES_DEMO=1 $(BIN)/flask --app wsgi db upgrade
	FACILITIES_DEMO=1 $(BIN)/flask --app wsgi demo

benchmark: install
	benchmarks/run
