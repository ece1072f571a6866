# Two commands on a fresh machine: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_DIR ?= .demo

.PHONY: demo serve test test-slow lint typecheck pytest bench bench-peers clean install

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "goodcall needs $(PYTHON) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,api,spark]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	bash scripts/demo.sh "$(DEMO_DIR)"

serve: $(STAMP)
	bash scripts/serve.sh "$(DEMO_DIR)"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

# The slow statistical, fault and 1,000-example tests; CI runs them after `make test`.
test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# goodcall's uplift learners against causalml's and scikit-uplift's (bench/uplift_peers.py), in an
# environment of their own: the peers are never a dependency of the package.
PEERS_VENV  ?= .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed
PEERS_ARGS  ?=

$(PEERS_STAMP): pyproject.toml bench/requirements-peers.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --quiet --upgrade pip
	$(PEERS_VENV)/bin/pip install --quiet -e '.[dev]'
	$(PEERS_VENV)/bin/pip install --quiet -r bench/requirements-peers.txt
	touch $(PEERS_STAMP)

bench-peers: $(PEERS_STAMP)
	$(PEERS_VENV)/bin/python -m bench.uplift_peers $(PEERS_ARGS)

clean:
	rm -rf $(VENV) $(PEERS_VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
