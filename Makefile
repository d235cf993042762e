# Cocrea — the two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000
PYTEST_ARGS ?= -n 2
export PORT

.PHONY: run test lint setup messages bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)

## Set up, migrate the embedded SQLite database, load the demo plan if empty, and serve with the
## background worker beside it (`cocrea start`: one Ctrl-C stops both).
run: $(STAMP)
	$(BIN)/cocrea migrate --noinput
	$(BIN)/cocrea load-demo --sample-execution --sample-cocreation
	@echo ""
	@echo "Cocrea is starting at http://127.0.0.1:$(PORT)/"
	@echo "To create a staff account: $(BIN)/cocrea createsuperuser"
	@echo ""
	$(BIN)/cocrea start

## Set up and run the whole test suite (SQLite, or DATABASE_URL when set).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint: ruff, formatting, migrations up to date, mypy on the computation modules, the import
## contracts (import-linter, .importlinter), bandit (fails on high severity), pip-audit.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cocrea makemigrations --check --dry-run
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -r cocrea -x "*/migrations/*" --severity-level high
	$(BIN)/pip-audit --progress-spinner off

## Regenerate and compile the translation catalogues.
messages: $(STAMP)
	cd cocrea && ../$(BIN)/django-admin makemessages -l en --no-obsolete --add-location file
	cd cocrea && ../$(BIN)/django-admin compilemessages

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache .mypy_cache test-artifacts
