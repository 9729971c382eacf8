# Citus targets (included by the Makefile; README "Running on Citus").

.PHONY: distribute test-citus

distribute: install ## on a Citus coordinator (DATABASE_URL): distribute the migrated tables by user_id; idempotent
	@if [ -z "$${DATABASE_URL:-}" ]; then echo "error: set DATABASE_URL to the Citus coordinator's database" >&2; exit 2; fi
	$(RUNNER) distribute

test-citus: install ## the Citus test module against CITUS_URL (a coordinator with workers); skipped without it
	$(PY) -m pytest tests/citus $(PYTEST_ARGS)
