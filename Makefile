# Two commands do all the set-up: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NPM_STAMP := remotion/node_modules/.installed
PY_STAMP := $(VENV)/.installed
# The pages' vendored front-end builds (CodeMirror, SortableJS), made from the npm pins.
VENDOR_STAMP := static/vendor/build/versions.json
TEST_STAMP := $(VENV)/.installed-test
# `make run PORT=8080`: the web server's port (honcho gives the first process this port).
PORT ?= 8000

.PHONY: setup run test demo migrate bundle deploy-lambda bench bench-lambda clean

setup: $(PY_STAMP) $(NPM_STAMP) $(VENDOR_STAMP) browser proxy

# Production pins only; the test pins come on top for `make test`.
$(PY_STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(TEST_STAMP): $(PY_STAMP) requirements-test.txt
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-test.txt
	touch $@

$(NPM_STAMP): remotion/package.json remotion/package-lock.json
	cd remotion && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR_STAMP): $(NPM_STAMP) remotion/scripts/build-vendor.mjs $(wildcard remotion/editor/*.js)
	cd remotion && node scripts/build-vendor.mjs

.PHONY: browser proxy
browser:
	bash scripts/ensure-browser.sh

proxy:
	bash scripts/ensure-proxy.sh

migrate: setup
	$(PY) manage.py migrate --noinput

bundle: setup
	$(PY) manage.py build_bundle
	$(PY) manage.py build_player

# Web and worker share one metrics directory, so /metrics shows what the worker counted.
run: export PROMETHEUS_MULTIPROC_DIR ?= $(CURDIR)/var/metrics
run: migrate bundle
	$(PY) manage.py seed_demo
	$(VENV)/bin/honcho -f Procfile.dev start --port $(PORT)

# The import contracts (.importlinter) first: a layering break or an import cycle fails fast.
test: setup $(TEST_STAMP)
	$(VENV)/bin/lint-imports
	$(PY) manage.py build_player
	$(PY) -m pytest $(PYTEST_ARGS)

# The bundle first: built inside the first render, it would sit at "0%" with no word for minutes.
demo: migrate bundle
	$(PY) manage.py seed_demo
	$(PY) manage.py render movie --demo --wait --skip-quota

bench: setup
	$(PY) bench/local_render.py

# Needs PostgreSQL and Redis, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/montage_bench REDIS_URL=redis://127.0.0.1:6379/0
bench-lambda: setup
	$(PY) bench/lambda_polling.py $(BENCH_ARGS)

# `make deploy-lambda DEPLOY_ARGS="--memory=3008 --vpc-subnet-ids=... --vpc-security-group-ids=..."`
deploy-lambda: setup
	$(PY) manage.py deploy_lambda $(DEPLOY_ARGS)

clean:
	rm -rf $(VENV) remotion/node_modules var staticfiles static/vendor/build
