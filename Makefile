# Minutes & Actions: `make run` to try it, `make test` to test it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench two-processes lint format check clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(BIN)/.installed

# DEMO_MODE: the demo users need no second factor (set DEMO_MODE=0 to try two-factor as it runs in production).
run: export DEMO_MODE ?= 1
run: $(BIN)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a worker for background jobs (Ctrl+C stops both)"
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Uses DATABASE_URL when set (PostgreSQL in CI), an SQLite file otherwise. The tests run
# in TEST_WORKERS processes (pytest-xdist; one per core by default), a test file per
# process, each with its own test database and browser; TEST_WORKERS=0 runs them in one.
TEST_WORKERS ?= auto
test: $(BIN)/.installed
	# No persistent connections: live-server threads must not hold the test database open.
	CONN_MAX_AGE=0 DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(BIN)/.installed
	@for script in bench/[!_]*.py; do case $$script in *_urls.py|*/two_processes.py) continue;; esac; echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Two gunicorn instances on one fresh PostgreSQL database (DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/opsg_two_processes; dropped and created again).
two-processes: $(BIN)/.installed
	$(BIN)/python bench/two_processes.py

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 test-db.sqlite3 staticfiles .pytest_cache .ruff_cache
