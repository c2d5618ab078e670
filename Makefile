# `make run` and `make test` set everything up themselves: a virtual environment with the pinned
# dependencies, and the sample database.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/bynames.duckdb
PORT ?= 8501

.PHONY: run test bench lint setup demo clean

$(BIN)/bynames: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/bynames

$(DB): $(BIN)/bynames $(wildcard sample_cases/*.csv) $(wildcard pipelines/migrations/*.sql)
	rm -f $(DB) $(DB).wal
	$(BIN)/bynames demo --db $(DB)

demo: $(DB)

run: setup demo
	BYNAMES_DATABASE=$(DB) $(BIN)/streamlit run dashboard/server.py --server.port $(PORT)

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.hostile

lint: setup
	$(BIN)/ruff check pipelines queries dashboard tests benchmarks

clean:
	rm -rf $(VENV) data *.egg-info .pytest_cache
