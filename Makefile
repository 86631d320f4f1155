# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= demo-Pass-2026
PYTEST_ARGS ?=

.PHONY: run test lint setup system-deps system-deps-test static messages migrate demo worker beat bench clean

run: setup migrate demo
	@echo "Demo users (password $(DEMO_PASSWORD)): qc_office principal head_cardiology staff_nurse leader_jn official_jn official_jn2 official_lx qc_expert sysadmin qc_centre_jn qc_office_h002 (his_h001: API token only)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-deps-test setup
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy .

setup: system-deps $(VENV)/.installed static messages

system-deps:
	@scripts/system-deps.sh

system-deps-test:
	@scripts/system-deps.sh --test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

static: static/vendor/bootstrap/bootstrap.min.css

static/vendor/bootstrap/bootstrap.min.css: package.json
	npm install --no-audit --no-fund --silent
	mkdir -p static/vendor/bootstrap
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	touch $@

messages:
	@find . -path ./.venv -prune -o -path ./node_modules -prune -o -name django.po -print | while read po; do \
	  mo=$${po%.po}.mo; [ "$$mo" -nt "$$po" ] || msgfmt --check-format -o "$$mo" "$$po"; done

migrate:
	$(PY) manage.py migrate --noinput

demo:
	$(PY) manage.py seed_demo --password $(DEMO_PASSWORD)

worker:
	$(VENV)/bin/celery -A qms worker -l info

beat:
	$(VENV)/bin/celery -A qms beat -l info

bench: setup
	scripts/system-deps.sh --bench
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3
