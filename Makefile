# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install db demo run test fuzz bench loadtest loadtest-sqlite clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

db: install
	$(BIN)/caseflow db upgrade

demo: db
	$(BIN)/caseflow demo

run: demo
	$(BIN)/caseflow serve

# Tests run in parallel, one process per core (pytest-xdist), each on its own databases; TEST_WORKERS=0 runs them
# in one process. A module's tests stay together where they share an expensive fixture (xdist_group marks).
TEST_WORKERS ?= auto
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The fuzz test of every route, long and random (CI runs 400 reproducible requests per database).
FUZZ_EXAMPLES ?= 5000
fuzz: install
	CASEFLOW_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/robustness/test_fuzz.py

bench: install
	$(BIN)/python -m bench

# The load run (docs/loadtest.md): PostgreSQL on 127.0.0.1, gunicorn with 4 workers, two schedulers, the clock
# moved forward and the leader killed halfway; LOADTEST_SECONDS sets its length (60 by default).
loadtest: install
	$(BIN)/python -m loadtest

loadtest-sqlite: install
	LOADTEST_DATABASE_URL='sqlite:///{workdir}/loadtest.db' $(BIN)/python -m loadtest

clean:
	rm -rf $(VENV) instance/caseflow.db* .pytest_cache
