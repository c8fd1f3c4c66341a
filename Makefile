# portcap — two commands on a fresh machine: `make run` and `make test`.
# Each bootstraps uv (into .tools/) and the locked virtual environment (.venv/) by itself.
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV_STAMP := .venv/.portcap-synced
RUN := $(UV) run --frozen --no-sync
# Browser tests drive Debian's Chromium (never a downloaded browser); installed here if missing.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint typecheck bench clean env serve

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(VENV_STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

env: $(VENV_STAMP)

run: $(VENV_STAMP)
	$(RUN) portcap run --out out/run

$(CHROMIUM):
	$(SUDO) apt-get update
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium

test: $(VENV_STAMP) $(CHROMIUM)
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
	$(RUN) mypy
	$(RUN) pytest

serve: $(VENV_STAMP)
	$(RUN) portcap serve

lint: $(VENV_STAMP)
	$(RUN) ruff check --fix src tests bench
	$(RUN) ruff format src tests bench

typecheck: $(VENV_STAMP)
	$(RUN) mypy

bench: $(VENV_STAMP)
	$(RUN) python bench/bench_ships.py
	$(RUN) python bench/bench_ensemble.py
	$(RUN) python bench/bench_ships_memory.py

clean:
	rm -rf .tools .venv out .pytest_cache .mypy_cache .ruff_cache
