# The runnable examples for application developers (examples/), against `make up` or DATABASE_URL.

.PHONY: examples

examples: install ## run examples/ (psycopg_pool app, SQLAlchemy mapping) against `make up` or DATABASE_URL
	$(PY) examples/run.py
