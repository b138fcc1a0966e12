# The two commands: `make run` serves the dashboard, `make test` checks everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-fast mutate lint db chromium clean
# Test processes: each xdist worker starts its own Streamlit server and Chromium for the browser tests, and
# --dist loadfile keeps a file's tests (and its module-scoped servers) on one worker. JOBS=0 runs serially.
JOBS ?= 2

run: $(VENV)/.runtime db
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT)

test: $(VENV)/.dev chromium lint
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

# The inner loop: everything but the browser tests, in parallel.
test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --ignore=tests/browser -q

# Mutation testing of the modules where a bug costs most, each against its own unit tests (see docs/TESTING.md).
# MODULES="disclosure auth" mutates a subset; it takes minutes per module, so run it niced on a shared machine.
mutate: $(VENV)/.dev
	nice -n 15 $(BIN)/python scripts/mutate.py $(MODULES)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

db: $(VENV)/.runtime
	$(BIN)/python -m dashboard.build --if-stale

$(VENV)/.runtime: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt constraints.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

# The browser tests drive Debian's Chromium (Playwright's own browser download does not work offline).
chromium:
	@command -v chromium >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq chromium; } \
		|| { echo "Chromium is missing: install Debian's chromium package (the browser tests need it)"; exit 1; }

clean:
	rm -rf $(VENV) .gse .pytest_cache
