# Senim — the two commands a newcomer needs are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.synced

.PHONY: run test test-sqlite test-postgres lint fmt bench bench-reports bench-translation migration demo clean venv

$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(STAMP): $(BIN)/uv pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --quiet
	touch $(STAMP)

venv: $(STAMP)

## make run: install, migrate the embedded SQLite database, load demo data once, serve on :8000
run: $(STAMP)
	$(BIN)/senim migrate
	$(BIN)/senim demo --if-empty
	$(BIN)/senim serve

## make test: the whole suite on SQLite, and on PostgreSQL too when SENIM_TEST_DATABASE_URL is set
test: $(STAMP)
	$(BIN)/pytest -n auto -p no:cacheprovider $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench tools
	$(BIN)/ruff check --fix src tests bench tools

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/detection.py
	$(BIN)/python bench/escalation_latency.py

## make bench-reports: the annual transparency report on 1,000,000 decisions and 2,000,000 complaints, on
## SQLite and on the PostgreSQL of SENIM_BENCH_DATABASE_URL, against its largest single query (takes minutes)
bench-reports: $(STAMP)
	$(BIN)/python bench/reports.py --database-url "$${SENIM_BENCH_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"

## make bench-translation: Senim's translation engine against transformers generate, on a random-weight
## model of NLLB-200-distilled-600M's size; needs the tools venv (.venv-ml, see tools/requirements-ml.txt)
bench-translation:
	@test -x .venv-ml/bin/python || { echo "Create .venv-ml first: see tools/requirements-ml.txt"; exit 2; }
	.venv-ml/bin/python bench/translation.py

migration: $(STAMP)
	$(BIN)/alembic revision --autogenerate -m "$(m)"

clean:
	rm -rf $(VENV) var/senim.db* .pytest_cache .mypy_cache .ruff_cache
