# Operations targets (included by the Makefile): the demo data set and the operations report.

.PHONY: demo ops-report

demo: install ## load the demo data set (seeds/demo) into a `make up` database, then print the operations statistics
	$(RUNNER) seed seeds/demo/*.sql
	@$(MAKE) --no-print-directory ops-report

ops-report: install ## print the operations statistics, read from the api views as assistant_readonly
	@"$$($(RUNNER) cluster pg-bin)/psql" -X -q -v ON_ERROR_STOP=1 "$${DATABASE_URL:-$$($(RUNNER) cluster url)}" -f sql/ops_demo_report.sql
