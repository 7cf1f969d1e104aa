# `make run`: set up and serve on http://127.0.0.1:5000 with the demo data.
# `make test`: set up and run the whole test suite (SQLite; TEST_DATABASE_URL for another).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
PGURL ?= postgresql+psycopg://postgres@127.0.0.1:5432

.PHONY: install system-packages run test test-postgres test-shifted e2e bench lint format \
	translations clean

# System packages first (installed when root with apt, else one apt-get line and a stop), then
# the virtualenv, then a check that WeasyPrint and PyICU really load what they need.
install: system-packages
	@$(MAKE) --no-print-directory $(STAMP)
	@.ci/system-packages --verify $(BIN)/python

system-packages:
	@PYTHON=$(PYTHON) .ci/system-packages app

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

run: install
	LMS_ENV=development $(FLASK) setup --demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C to stop)"
	LMS_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

test: install
	@PYTHON=$(PYTHON) .ci/system-packages test
	$(BIN)/ruff check lms tests bench wsgi.py
	$(BIN)/python -m pytest

# The suite with its clock moved forward (tests/clock.py): `make test-shifted DAYS=400`.
DAYS ?= 400
test-shifted: install
	@PYTHON=$(PYTHON) .ci/system-packages test
	LMS_TEST_CLOCK_SHIFT_DAYS=$(DAYS) $(BIN)/python -m pytest

# The same suite against a throw-away PostgreSQL database.
test-postgres: install
	@db=lms_test_$$$$; \
	psql "$(subst +psycopg,,$(PGURL))/postgres" -qc "CREATE DATABASE $$db" && \
	TEST_DATABASE_URL="$(PGURL)/$$db" $(MAKE) --no-print-directory test; rc=$$?; \
	psql "$(subst +psycopg,,$(PGURL))/postgres" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"; \
	exit $$rc

# Browser journeys in Debian's Chromium, with axe-core and page weights (see tests/e2e).
CHROMIUM ?= $(or $(LMS_CHROMIUM),/usr/bin/chromium)
AXE_VERSION := 4.14.1
e2e: install
	@LMS_CHROMIUM=$(CHROMIUM) PYTHON=$(PYTHON) .ci/system-packages e2e
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-e2e.txt
	@test -f .e2e/node_modules/axe-core/package.json && \
	  grep -q '"version": "$(AXE_VERSION)"' .e2e/node_modules/axe-core/package.json || \
	  npm install --prefix .e2e --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)
	LMS_E2E=1 LMS_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/e2e -p no:cacheprovider

# Load benchmarks on the national dataset, SQLite then PostgreSQL, and certificate rendering
# (bench/README.md). The dataset is generated on first use (.bench/, database lms_bench).
bench: install
	@command -v wrk >/dev/null || { \
	  echo "The load benchmark needs wrk. On Debian or Ubuntu run:"; \
	  echo "  sudo apt-get install wrk"; exit 1; }
	$(BIN)/python bench/load.py --database sqlite --mixed 300
	LMS_BENCH_PG_URL=$(PGURL)/lms_bench $(BIN)/python bench/load.py --database postgresql
	$(BIN)/python bench/certificates.py

lint: install
	$(BIN)/ruff check lms tests bench wsgi.py
	$(BIN)/ruff format --check lms tests bench wsgi.py

format: install
	$(BIN)/ruff format lms tests bench wsgi.py
	$(BIN)/ruff check --fix lms tests bench wsgi.py

# After changing user-facing strings: extract, merge into the Khmer catalogue, compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location \
	  --sort-output --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -l km --no-fuzzy-matching \
	  --no-wrap --ignore-pot-creation-date
	$(BIN)/pybabel compile -d translations -l km

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
