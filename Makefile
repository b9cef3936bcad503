# The two commands of the README: `make demo` (run it) and `make test` (test it).
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.runtime
PORT ?= 5000
# One worker per core, each with its own database. Keep xdist's default --dist load: schemathesis' cases share
# one node id, and the grouping modes (loadfile, loadscope, loadgroup) would run only one of them.
PYTEST_ARGS ?= -n auto

.PHONY: demo test lint setup runtime translations serve bench clean

# The demo needs only what the service runs on; the test and benchmark tools come with `make test`.
demo: runtime translations
	LEDGER_DATABASE_URL=$${LEDGER_DATABASE_URL:-sqlite:///$(CURDIR)/instance/demo.sqlite3} \
		$(VENV)/bin/ledger demo --port $(PORT)

test: setup translations
	./scripts/ensure-system-packages.sh
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

setup: $(STAMP)

runtime: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $(RUNTIME_STAMP)

$(STAMP): $(RUNTIME_STAMP)
	$(PY) -m pip install -q -e '.[test,bench]'
	touch $(STAMP)

translations: runtime
	$(VENV)/bin/pybabel compile -d ledger/translations

serve: runtime translations
	$(VENV)/bin/gunicorn -w 4 -k gthread --threads 4 -b 127.0.0.1:8000 'ledger:create_app()'

clean:
	rm -rf $(VENV) instance/demo.sqlite3*
