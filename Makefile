# Run Toward Balance — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: install node run test lint fix check clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# axe-core for the accessibility tests (package.json, package-lock.json), from the npm registry.
NODE_STAMP := node_modules/.installed-lock
# Without npm the accessibility tests skip, saying why (and fail under CI=true).
$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the accessibility tests will be skipped."; fi

node: $(NODE_STAMP)

var:
	mkdir -p var/media var/static var/celery/queue var/celery/control

## Set up everything and serve the site with demo content, a Celery worker and beat (Ctrl-C stops all).
run: install var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py ensure_editor
	@echo "Serving http://127.0.0.1:8000 with a Celery worker and beat$${REDIS_URL:+ on $$REDIS_URL}. Ctrl-C stops them all."
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-runsite.settings.dev} $(BIN)/honcho -f Procfile.dev start

## The whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL say so).
test: install node var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .pytest_cache

.PHONY: bench bench-site bench-newsletter bench-scale bench-tools profile lighthouse

## Benchmarks (not part of the tests); they need PostgreSQL and Redis. bench-scale is left out
## of `make bench`: it sends the 100,000-subscriber issue twice (20 minutes or more).
bench: bench-site bench-newsletter

## Debian's wrk (load generator) and nginx (proxy micro-cache, static reference).
bench-tools:
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; }

## Pages under wrk against a bare view and nginx in the same run (BENCH_ARGS="--seconds 3").
bench-site: install bench-tools
	$(BIN)/python -m bench.site_bench $(BENCH_ARGS)

## The newsletter send: real worker vs a bare smtplib loop (BENCH_ARGS="--subscribers 5000").
bench-newsletter: install
	$(BIN)/python -m bench.newsletter_bench $(BENCH_ARGS)

## 1 vs 2 nodes: gunicorn behind nginx, Celery workers on one send (BENCH_ARGS="--subscribers 5000 --seconds 3").
bench-scale: install bench-tools
	$(BIN)/python -m bench.scale_bench $(BENCH_ARGS)

## One page under pyinstrument with the page cache off (PROFILE_ARGS="/ --renders 100").
profile: install
	$(BIN)/python -m bench.profile_page $(PROFILE_ARGS)

## Lighthouse's four scores for the home page and an article (npm registry, Debian's chromium).
lighthouse: install bench-tools
	$(BIN)/python -m bench.lighthouse
