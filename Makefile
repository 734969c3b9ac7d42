# Tideline: the two commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DEBUG=1 CELERY_BROKER_URL=

.PHONY: demo test test-fast install lock assets migrate seed lint clean bench bench-intake browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs the exact versions of requirements/lock.txt, each checked against its hash;
# pyproject.toml keeps the ranges they were chosen from (`make lock`).
# WeasyPrint (printed summaries and subject access exports) needs Pango and a font.
PRINT_PACKAGES = libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core

$(VENV)/.installed: pyproject.toml requirements/lock.txt | $(BIN)/python
	@dpkg -s $(PRINT_PACKAGES) >/dev/null 2>&1 || apt-get install -y -qq $(PRINT_PACKAGES) >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq $(PRINT_PACKAGES) >/dev/null; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/tideline.css: node_modules/.installed static/scss/tideline.scss
	npm run --silent build

install: $(VENV)/.installed

# After changing a dependency in pyproject.toml: pin it (and what it needs) with hashes.
# Versions already in the lock stay unless the ranges exclude them; UPGRADE=1 takes the newest.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		$(if $(UPGRADE),--upgrade) --quiet -o requirements/lock.txt

assets: static/build/tideline.css

migrate: install assets
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

seed: migrate
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

demo: seed
	@echo ""
	@echo "Tideline is starting on http://127.0.0.1:8000"
	@echo "Sign in as any demo user (for example officer.north, supervisor.north, admin.north,"
	@echo "auditor.north, coordinator.mash, caseworker.harbour) with the password tideline-demo-2026."
	@echo "For the security code, run in another terminal:"
	@echo "    DEBUG=1 $(BIN)/python manage.py demo_otp officer.north"
	@echo "(every demo user's authenticator key is the RFC 6238 test key GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ)"
	@echo ""
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install assets
	$(BIN)/pytest -n 2 --durations=20 $(PYTEST_ARGS)

# Local runs: keeps the test databases between runs (on SQLite in files under var/,
# test_tideline_gw0 and _gw1; on PostgreSQL the usual test_ databases), so that only
# new migrations are applied. After a migration is edited or removed, run `make test`.
test-fast: install assets
	$(BIN)/pytest -n 2 --reuse-db --durations=20 $(PYTEST_ARGS)

# The journeys in a real browser (tests_browser/): six personas sign in and do one
# piece of work each in Debian's chromium (apt-get install chromium), every page
# checked with axe-core and for reflow at 1280 and 375 px, screenshots written to
# var/screenshots/. Against a served demo: `make demo` in one terminal, `make browser`
# in another (BASE_URL for another server). They submit forms, so they change the
# demo: run them on a freshly seeded one.
BASE_URL ?= http://127.0.0.1:8000
browser: install node_modules/.installed
	@command -v chromium >/dev/null || { echo "Install Debian's chromium first: apt-get install chromium"; exit 1; }
	$(BIN)/pytest -p no:xdist tests_browser --base-url $(BASE_URL) $(PYTEST_ARGS)

# The national-scale benchmark (issue 15), against a PostgreSQL database that holds a
# national dataset: seed it once with
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tideline_bench DEBUG=1 \
#     .venv/bin/python manage.py seed_scale --cases 1000000
# BEFORE=<git revision> serves that revision too (a worktree in var/bench/before) and
# puts both in one table. The table is written to var/bench/<time>.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tideline_bench
bench: install
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(BIN)/python scripts/bench/run.py \
		$(if $(BEFORE),--before $(BEFORE))

# Intake at national volume (issue 17): a generated package of 10,000 reports (5%
# sharing identifiers, 1% malformed, some held on another force's case) imported on
# PostgreSQL; prints reports a second and peak memory, writes var/bench/intake-<time>.md.
# Migrates the bench database (create it once: createdb -h 127.0.0.1 -U postgres
# tideline_bench) and seeds the demo there when it is missing. PROFILE=1 imports
# under cProfile and prints where the time goes.
bench-intake: install
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}" $(DEMO_ENV) $(BIN)/python manage.py bench_intake \
		$(if $(PROFILE),--profile)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/mypy .

clean:
	rm -rf $(VENV) node_modules static/build var
