# Mitra Pemilu — every entry point a person needs. `make run` and `make test` set up
# everything themselves (virtual environment, locked dependencies, translations).

PYTHON ?= python3
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON := $(shell command -v $(PYTHON))
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test lint format bench bench-deliveries bench-reports bench-multiserver multiserver setup messages browser nginx wrk pdf-libs help

help:
	@echo "make run    — set up, load the demo programme, serve http://127.0.0.1:$(PORT)"
	@echo "make test   — set up and run the whole test suite"
	@echo "make lint   — ruff, formatting, mypy, templates, migrations check"
	@echo "make bench  — load-test the production server (see docs/performance.md)"
	@echo "make bench-deliveries — 10,000 voting-day reminders through Celery (see docs/performance.md)"
	@echo "make bench-reports — time the programme report's PDF and XLSX (see docs/performance.md)"
	@echo "make multiserver — two app servers behind nginx, checked together (see docs/deployment.md)"
	@echo "make bench-multiserver — the article page through nginx: one server against two"

$(UV):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"' \
		|| { echo "Mitra Pemilu needs Python 3.11 or newer ($(PYTHON) is older)."; exit 1; }
	@$(PYTHON) -m venv .tools 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv .tools; \
		else echo "Python's venv module is missing: install python3-venv (sudo apt-get install python3-venv)."; exit 1; fi; }
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

# Byte-compiled at install: otherwise the first request that imports statsmodels/scipy
# (the turnout evaluation) spends tens of seconds compiling them.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

setup: $(VENV)/.synced messages node_modules/.installed pdf-libs

# WeasyPrint (the reports' PDFs) draws text with Debian's Pango; fonts from fonts-dejavu.
pdf-libs: $(VENV)/.synced
	@$(PY) -c "import weasyprint" >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; \
		else echo "PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; exit 1; fi; }

# Browser-side libraries (e.g. jsQR for the offline ticket scanner) come from npm, pinned in
# package-lock.json, and are served by Django's static files — never from a CDN.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
		else echo "npm is needed for the browser libraries: sudo apt-get install npm"; exit 1; fi; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

messages: $(VENV)/.synced
	@mkdir -p var
	@$(VENV)/bin/pybabel compile --domain django --directory locale >var/translations.log 2>&1 \
		|| { cat var/translations.log; echo "Compiling the translations failed."; exit 1; }

# A checkout used with `make run` is a development machine: give manage.py the same
# defaults (an existing .env, e.g. a deployment's, is left alone).
.env:
	@printf '# Local development settings (created by make run; see .env.example).\nDEBUG=true\n' > .env

run: setup .env
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input -v0
	@DEBUG=$${DEBUG:-true} $(PY) manage.py shell -v0 -c "from mitra.regions.models import Region; raise SystemExit(0 if Region.objects.filter(level=4).count() > 80000 else 1)" \
		|| DEBUG=$${DEBUG:-true} $(PY) manage.py load_regions
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_boundaries mitra/regions/data/bandung-kecamatan.geojson
	DEBUG=$${DEBUG:-true} $(PY) manage.py import_boundaries mitra/regions/data/bandung-kelurahan.geojson
	DEBUG=$${DEBUG:-true} $(PY) manage.py demo
	@echo "Serving Mitra Pemilu at http://127.0.0.1:$(PORT)/"
	DEBUG=$${DEBUG:-true} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "Browser tests need Debian's chromium: sudo apt-get install chromium"; exit 1; fi; }

# nginx in front of several app servers (tests/core/test_multiserver.py, bench/multiserver.py)
# runs as an ordinary process with its own configuration: only the binary is needed.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; \
		else echo "The several-servers check needs Debian's nginx: sudo apt-get install nginx"; exit 1; fi; }

test: setup browser nginx
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy .
	$(VENV)/bin/djhtml --check $$(git ls-files '*.html')
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v0
	DEBUG=true $(PY) manage.py check

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djhtml $$(git ls-files '*.html')

wrk:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
		else echo "The benchmarks need wrk: sudo apt-get install wrk"; exit 1; fi; }

bench: setup wrk
	$(PY) bench/run.py $(BENCH_ARGS)

# The programme report's PDF and XLSX on the demo (40 photos), timed as the task makes them.
bench-reports: setup
	$(PY) bench/reports.py $(BENCH_ARGS)

# Two gunicorn instances (production settings) behind nginx, one PostgreSQL database of its
# own, one Redis, a Celery worker and one uploads folder: the checks of
# tests/core/test_multiserver.py alone (the PostgreSQL pass of `make test` runs them too).
MULTISERVER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mitra
multiserver: setup nginx
	DATABASE_URL=$${DATABASE_URL:-$(MULTISERVER_DATABASE_URL)} DJANGO_SETTINGS_MODULE=config.settings_test \
		$(PY) -m pytest tests/core/test_multiserver.py -v $(PYTEST_ARGS)

# The article page's requests/s through nginx: one server of 4 workers against two of 2.
bench-multiserver: setup nginx wrk
	$(PY) bench/multiserver.py $(BENCH_ARGS)

# Messages through the real machinery: own Redis, two Celery workers, the fake WhatsApp API.
bench-deliveries: setup
	$(PY) bench/deliveries.py $(BENCH_ARGS)
