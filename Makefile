# Kesu: `make run` starts it on an embedded SQLite database, `make test` runs every check.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format typecheck migrate demo bench loadtest screenshots clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

demo: migrate
	$(BIN)/python manage.py seed_demo

# The demo's text messages (the portal's codes among them) are printed in this terminal.
run: export KESU_SMS_BACKEND ?= kesu.callbacks.sms.ConsoleBackend
run: export KESU_PUBLIC_URL ?= http://$(HOST):$(PORT)
run: demo
	@echo "Kesu at http://$(HOST):$(PORT)/  (API docs: /api/docs/, admin: /admin/)"
	$(BIN)/python manage.py run_worker & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	KESU_DEBUG=$${KESU_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The services and selectors against the Django and DRF stubs ([tool.mypy] in pyproject.toml).
typecheck: setup
	mkdir -p var
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The suite runs on every core, at most four (pytest-xdist: each worker has its own test
# database and browser); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)

test: setup
	mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MAKE) typecheck
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest --create-db -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The tests write screenshots to var/screenshots/; this refreshes the documentation's pictures.
screenshots: setup
	mkdir -p var
	KESU_SCREENSHOTS_DIR=docs/screenshots $(BIN)/python -m pytest --create-db kesu/web/tests/e2e kesu/callbacks/tests/test_e2e_callbacks.py

bench: setup
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Load tests with a wall-clock bound (two workers, 10,000 notifications); PostgreSQL only.
loadtest: setup
	mkdir -p var
	$(BIN)/python -m pytest --create-db bench

clean:
	rm -rf var .pytest_cache .ruff_cache
