# Two commands on a fresh clone (Python 3.10+ only):
#   make demo   # install the package, start the local sandbox, send mail through the library
#   make test   # install the test dependencies and run the whole suite
# A .venv that cannot work (built by an old Python, or half-built) is rebuilt with a message.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint docs install install-base

# The demo needs only the package (and requests); the dev extra is for tests, lint and docs.
install-base:
	@sh scripts/venv.sh "$(PYTHON)" "$(VENV)" base

install:
	@sh scripts/venv.sh "$(PYTHON)" "$(VENV)" dev

demo: install-base
	@$(PY) examples/quickstart.py

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check $(wildcard postmark tests examples benchmarks scripts)
	$(PY) -m ruff format --check $(wildcard postmark tests examples benchmarks scripts)
	$(PY) -m mypy postmark

docs: install
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
