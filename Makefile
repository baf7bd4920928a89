# The project's commands. `make run` and `make test` work on a bare machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?= -n 2
PROD_ENV := DJANGO_SETTINGS_MODULE=mentorship.settings.production \
	DJANGO_SECRET_KEY=check-deploy-dummy-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=mentorship.example.org \
	SITE_URL=https://mentorship.example.org \
	DATABASE_URL=postgres://user:pass@127.0.0.1:5432/mentorship \
	REDIS_URL=redis://127.0.0.1:6379/0

.PHONY: run test lint bench install migrate demo clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py setup_demo

run: demo
	bash scripts/run-dev.sh

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m bandit -q -c pyproject.toml -r mentorship profiles safety matching sessions community

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo 'pytest collected no tests'; code=0; fi; exit $$code

bench: install
	$(PY) -m benchmarks.run

clean:
	rm -rf var/cache var/broker var/celery-results test-results
