# Two commands on a fresh machine: `make run` and `make test`.
# Only Python 3.11+ is needed; everything else is installed into .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev migrate demo messages superuser clean bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo data and serve on http://127.0.0.1:8000
run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Sanad is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/ — create a user with 'make superuser')"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## test: install (with test tools) and run the whole suite
test: install-dev
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

## bench: page benchmark on PostgreSQL (docs/performance.md); BENCH_ARGS=--generate creates the 100k data first
bench: install
	$(PY) scripts/bench_pages.py $(BENCH_ARGS)

## superuser: create an administrator; asks for the details, or takes them from
## DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_EMAIL and DJANGO_SUPERUSER_PASSWORD without asking
superuser: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py createsuperuser $(if $(DJANGO_SUPERUSER_USERNAME),--noinput)

## messages: refresh the .po catalogues (needs GNU gettext) and compile them (pure Python)
messages: install
	DEBUG=1 $(PY) manage.py makemessages --locale ar --locale en --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	DEBUG=1 $(PY) manage.py compile_translations

clean:
	rm -rf $(VENV) var/staticfiles
