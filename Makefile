# Run Toward Balance — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Each stamp is remade (the packages installed again) when its requirement files change.
STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-dev-requirements

.PHONY: install install-dev lock node run test lint fix check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

## What the site needs to run (requirements.txt, as production installs it).
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## Plus the tests and tooling (requirements-dev.txt), for test, lint, bench and profile.
$(DEV_STAMP): $(STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

## Pin every package again after editing requirements.in or requirements-dev.in; existing pins
## are kept unless LOCK_ARGS says otherwise (LOCK_ARGS="--upgrade-package django").
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: $(DEV_STAMP)
	$(PIP_COMPILE) --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --output-file requirements-dev.txt requirements-dev.in

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
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-runsite.settings.dev} $(BIN)/python manage.py run_processes

## The whole test suite (PostgreSQL and Redis when DATABASE_URL and REDIS_URL say so).
test: $(DEV_STAMP) node var
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The project's Python files, for django-upgrade (ruff and mypy find their own).
PY_FILES = $$(find . \( -name .git -o -name .venv -o -name node_modules -o -name var \) -prune \
	-o -name '*.py' -print)

## Format and lint checks: ruff, djlint (templates, lint rules only), django-upgrade, mypy, and
## import-linter (the layers: dependencies point down only; contracts in pyproject.toml).
lint: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint templates --lint
	$(BIN)/django-upgrade --target-version 5.2 --check $(PY_FILES)
	$(BIN)/mypy
	$(BIN)/lint-imports

## Apply what ruff and django-upgrade can fix.
fix: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/django-upgrade --target-version 5.2 --exit-zero-even-if-changed $(PY_FILES)

## Django's system checks, migrations in step with the models (none missing), and the deploy
## checks under production settings with a made-up key and host.
check: install var
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=runsite.settings.prod DEBUG=false \
		SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=runtowardbalance.example SITE_URL=https://runtowardbalance.example \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

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
bench-site: $(DEV_STAMP) bench-tools
	$(BIN)/python -m bench.site_bench $(BENCH_ARGS)

## The newsletter send: real worker vs a bare smtplib loop (BENCH_ARGS="--subscribers 5000").
bench-newsletter: $(DEV_STAMP)
	$(BIN)/python -m bench.newsletter_bench $(BENCH_ARGS)

## 1 vs 2 nodes: gunicorn behind nginx, Celery workers on one send (BENCH_ARGS="--subscribers 5000 --seconds 3").
bench-scale: $(DEV_STAMP) bench-tools
	$(BIN)/python -m bench.scale_bench $(BENCH_ARGS)

## One page under pyinstrument with the page cache off (PROFILE_ARGS="/ --renders 100").
profile: $(DEV_STAMP)
	$(BIN)/python -m bench.profile_page $(PROFILE_ARGS)

## Lighthouse's four scores for the home page and an article (npm registry, Debian's chromium).
lighthouse: $(DEV_STAMP) bench-tools
	$(BIN)/python -m bench.lighthouse
