# make bench: the hot paths of the schema beside a bare table and langchain-postgres' chat-history
# table, measured in one run on a private cluster (see bench/bench.py). SCALE=1 is ~1M messages
# over 10k conversations of 1k users; MESSAGES=N instead sets the size; DURATION=s and ROUNDS=n
# set each pgbench run. Writes bench/out/results.json and bench/out/results.md.

.PHONY: bench bench-smoke

SCALE ?= 1
MESSAGES ?=
DURATION ?= 10
ROUNDS ?= 3

bench: install ## benchmark vs baselines (SCALE=1 ~1M messages; MESSAGES=N; DURATION=s) -> bench/out/results.json
	SCALE=$(SCALE) MESSAGES=$(MESSAGES) DURATION=$(DURATION) ROUNDS=$(ROUNDS) $(PY) bench/bench.py

bench-smoke: install ## the benchmark at tiny scale, in seconds (checks it runs; figures meaningless)
	$(PY) bench/bench.py --smoke --out bench/out/smoke.json

.PHONY: bench-lifecycle
bench-lifecycle: install ## conversation lifecycle figures (branch history EXPLAIN, fork, import rows/s) on DATABASE_URL or the local cluster
	$(PY) bench/lifecycle.py $(DATABASE_URL)

.PHONY: bench-explain
bench-explain: install ## where the missed targets' time goes (per-trigger EXPLAIN, backend CPU, search plan) on a cluster kept by `bench.py --keep`: DATABASE_URL=...
	@test -n "$(DATABASE_URL)" || { echo "make bench-explain: set DATABASE_URL to the URL bench/bench.py --keep printed" >&2; exit 2; }
	$(PY) bench/explain.py $(DATABASE_URL)
