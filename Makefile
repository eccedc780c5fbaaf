# Two commands on a fresh clone (Python 3.10+ only):
#   make demo   # install, start the local sandbox, send mail through the library
#   make test   # install the test dependencies and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint docs install

$(VENV)/.installed: setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e '.[dev]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) examples/quickstart.py

test: install
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check $(wildcard postmark tests examples benchmarks)
	$(PY) -m ruff format --check $(wildcard postmark tests examples benchmarks)
	$(PY) -m mypy postmark

docs: install
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
