# Two commands do the whole set-up on a fresh machine with python3 (3.10 or newer):
#   make lab    installs everything into .venv and starts JupyterLab on notebooks/
#   make test   installs everything into .venv and runs the complete test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The stamp is older than pyproject.toml or constraints.txt after either changes,
# so a rerun installs again; otherwise it reuses the environment as it is.
STAMP := $(VENV)/.installed
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings
PORT ?= 8888
# Jupyter refuses to start as root unless told to; workshop VMs and containers often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab test lint unit bench voila quiz download constraints clean notebooks

$(BIN)/python:
	@$(PYTHON) -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 10))' || { \
	  echo "Need python3 3.10 or newer with venv and ensurepip (Debian/Ubuntu: apt-get install python3-venv)."; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt config/overrides.json | $(BIN)/python
	$(BIN)/python -m pip install --constraint constraints.txt --editable '.[test]'
	mkdir -p $(LAB_SETTINGS)
	cp config/overrides.json $(LAB_SETTINGS)/overrides.json
	touch $@

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab --notebook-dir=notebooks --port=$(PORT) $(ROOT_FLAG)

voila: install
	$(BIN)/voila notebooks/05_examenquiz.ipynb --port=$(PORT)

quiz: install
	$(BIN)/python -m quiz

download: install
	$(BIN)/python -m model_utils download

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: install
	$(BIN)/python -m pytest tests

test: lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

# Records the exact versions of a passing suite; run it after `make test` passed.
constraints: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts

# Runs every notebook (or NOTEBOOK=notebooks/NAME.ipynb) in a clean offline kernel and stores the
# outputs that nbval compares. Needs GROCERY_STORE_DATASET.
notebooks: install
	$(BIN)/python scripts/execute_notebooks.py $(NOTEBOOK)
