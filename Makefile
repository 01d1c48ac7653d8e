# Fortune Market: two commands do all the set-up on a fresh machine with Python 3.11 and make.
#   make run   create .venv, install, migrate, load demo data, serve on 127.0.0.1:$(PORT)
#              (with REDIS_URL set: web + Celery worker + beat together, stopped by Ctrl-C)
#   make test  create .venv, install dev requirements, run the whole suite
PORT ?= 8000
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
export PORT

.PHONY: run test lint format check-deploy worker beat clean messages

$(VENV)/bin/python:
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
ifdef REDIS_URL
	$(VENV)/bin/honcho start -f Procfile.dev -p $(PORT)
else
	$(PY) manage.py runserver 127.0.0.1:$(PORT)
endif

test: $(VENV)/.dev
	mkdir -p var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production settings must pass Django's deployment checklist with no warnings.
check-deploy: $(VENV)/.runtime
	DJANGO_SETTINGS_MODULE=marketplace.settings.production SECRET_KEY=$$(openssl rand -hex 40) \
	ALLOWED_HOSTS=fortune.example DATABASE_URL=postgres://check@127.0.0.1:5432/check \
	REDIS_URL=redis://127.0.0.1:6379/0 PAYMENTS_SANDBOX_SECRET=$$(openssl rand -hex 32) \
	FIELD_ENCRYPTION_SALTS=$$(openssl rand -hex 16) IDENTITY_HASH_KEY=$$(openssl rand -hex 32) \
	$(PY) manage.py check --deploy --fail-level WARNING

worker: $(VENV)/.runtime
	$(VENV)/bin/celery -A marketplace worker -l info -Q default,end_of_day,offers

beat: $(VENV)/.runtime
	$(VENV)/bin/celery -A marketplace beat -l info -s var/celerybeat-schedule

# Translations (README "Languages and translations"): extract every marked string into
# locale/zh_Hans/LC_MESSAGES/django.po (needs GNU gettext's xgettext), then compile the .mo in
# pure Python. Both files are committed; tests/test_translations.py fails when they drift.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hans --no-wrap --no-obsolete --add-location=file \
		-i .venv -i var -i tests -i bench -i i18n -i node_modules -i docs
	$(PY) manage.py compiletranslations

clean:
	rm -rf $(VENV) var/db.sqlite3 var/staticfiles .pytest_cache .ruff_cache .mypy_cache
