# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test browser lint bench fuzz faults clean

$(BIN)/textcoach: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("textcoach needs Python 3.11+") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(BIN)/textcoach
	$(BIN)/textcoach run

test: $(BIN)/textcoach
	$(BIN)/pytest

# Only the browser tests (headless Chromium; screenshots in artifacts/screenshots). `make test`
# runs them too, or says why it skipped them (no chromium/chromedriver on this machine).
browser: $(BIN)/textcoach
	$(BIN)/pytest -m browser -rs tests/browser

lint: $(BIN)/textcoach
	$(BIN)/ruff check worker tests bench
	$(BIN)/mypy --strict worker

bench: $(BIN)/textcoach
	$(BIN)/python bench/webhook.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/coaching.py
	$(BIN)/python bench/turns.py
	$(BIN)/python bench/plans.py
	$(BIN)/python bench/pacing.py
	$(BIN)/python bench/growth.py

# Property tests with fresh random examples, thousands of them (`make test` replays a fixed set).
fuzz: $(BIN)/textcoach
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/unit/test_planning_properties.py \
		tests/unit/test_logparse.py tests/unit/test_progression.py

# The long live fault run: PostgreSQL down 20 s, Redis restarted, six worker SIGKILLs under
# traffic; prints texts lost, answered twice, sent twice and 5xx (`make test` runs a short one).
faults: $(BIN)/textcoach
	$(BIN)/python -m tests.faults.live
	$(BIN)/pytest -q -s tests/faults/test_bad_input.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
