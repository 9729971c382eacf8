# Operations targets (included by the Makefile): the demo data set and the operations report.

.PHONY: demo ops-report end-stuck-sessions

demo: install ## load the demo data set (seeds/demo) into a `make up` database, then print the operations statistics
	$(RUNNER) seed seeds/demo/*.sql
	@$(MAKE) --no-print-directory ops-report

ops-report: install ## print the operations statistics, read from the api views as assistant_readonly
	@"$$($(RUNNER) cluster pg-bin)/psql" -X -q -v ON_ERROR_STOP=1 "$${DATABASE_URL:-$$($(RUNNER) cluster url)}" -f sql/ops_demo_report.sql

end-stuck-sessions: install ## end app sessions idle in a transaction over 60 s or in one over 5 min (cron: every minute)
	@"$$($(RUNNER) cluster pg-bin)/psql" -X -q -v ON_ERROR_STOP=1 "$${DATABASE_URL:-$$($(RUNNER) cluster url)}" \
	  -c "SELECT pid, login, reason, ended FROM ops.end_stuck_app_sessions()" | sed '/^(0 rows)$$/d'
