# Partition maintenance and DBA targets (issue "Partition lifecycle and DBA maintenance").
# Included by the Makefile. Every target works on DATABASE_URL, else on the local cluster of
# `make up`; the PostgreSQL client programs are those of that cluster's version (PG_BIN=... to
# point at others, e.g. a newer pg_dump for a remote server). deploy/crontab.example schedules them.

MAINT_URL = $${DATABASE_URL:-$$($(RUNNER) cluster url)}
MAINT_BIN = $$($(RUNNER) cluster pg-bin)
MAINT_PSQL = "$(MAINT_BIN)/psql" -X -q -v ON_ERROR_STOP=1
BACKUP_DIR ?= backups
KEEP_DAYS ?= 7
BACKUP_COMPRESS ?= 6

.PHONY: partitions rotate cleanup vacuum backup restore

partitions: install ## report: partitioned tables, partitions, bounds, sizes, rows stuck in defaults
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -f sql/partition_report.sql

# rotate and cleanup print the run's one-screen summary (the procedure's NOTICE lines, on stdout
# without psql's prefix); a failed step makes them exit non-zero after the summary, like the CALL.
rotate: install ## partition maintenance: create ahead, move rows out of default partitions, retention; prints a summary
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -c "CALL maint.run_maintenance()" 2>&1 | sed -u 's/^NOTICE:  //'

cleanup: install ## retention (one partition per transaction), system logs, expired memories; prints a summary
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -c "CALL maint.run_cleanup()" 2>&1 | sed -u 's/^NOTICE:  //'

vacuum: install ## VACUUM (ANALYZE) the whole database
	@$(MAINT_PSQL) -d "$(MAINT_URL)" -c "VACUUM (ANALYZE)"

# pg_dump custom format (compressed, restorable table by table), written under a temporary name
# and renamed when complete, so a failed dump never counts as a backup and never pushes a good
# one out of the retention window. Only files this target wrote (<db>-<UTC time>.dump) are pruned.
# A dump holds every conversation: umask 077 makes the file 0600 from its first byte (not chmod
# after the write), and the directory is made (or put back to) 0700, so other OS users can
# neither read the dumps nor list them. Secret configuration values are in the dump encrypted,
# under a key that is not in it (README, Configuration).
backup: install ## pg_dump -Fc to BACKUP_DIR (default backups/, mode 0700, dumps 0600), keeping KEEP_DAYS days (default 7)
	@umask 077; url="$(MAINT_URL)"; bin="$(MAINT_BIN)"; \
	 case "$(KEEP_DAYS)" in ''|*[!0-9]*) echo "error: KEEP_DAYS must be a number of days, not '$(KEEP_DAYS)'" >&2; exit 2;; esac; \
	 db=$$("$$bin/psql" -X -Atq -d "$$url" -c 'SELECT current_database()'); \
	 mkdir -p "$(BACKUP_DIR)"; \
	 chmod 0700 "$(BACKUP_DIR)" || { echo "error: cannot make $(BACKUP_DIR) private (chmod 0700): use a directory you own" >&2; exit 2; }; \
	 file="$(BACKUP_DIR)/$$db-$$(date -u +%Y%m%dT%H%M%SZ).dump"; \
	 trap 'rm -f "$$file.partial"' EXIT; \
	 "$$bin/pg_dump" --format=custom --compress=$(BACKUP_COMPRESS) --file="$$file.partial" "$$url"; \
	 mv "$$file.partial" "$$file"; \
	 echo "backup: $$file ($$(du -h "$$file" | cut -f1))"; \
	 find "$(BACKUP_DIR)" -maxdepth 1 -type f -name "$$db-*.dump" -mmin +$$(( $(KEEP_DAYS) * 1440 )) -print -delete \
	   | sed 's/^/removed (older than $(KEEP_DAYS) days): /'

# Into a fresh database: RESTORE_DB (default: the database of DATABASE_URL / the local cluster)
# is created when missing, used when empty, refused when it holds objects unless FORCE=1, which
# drops and re-creates it. One transaction: a failed restore leaves the database empty.
restore: install ## restore FILE=backups/<db>-<time>.dump into a fresh database (RESTORE_DB=name, FORCE=1)
	@if [ -z "$(FILE)" ]; then echo "usage: make restore FILE=backups/<db>-<time>.dump [RESTORE_DB=name] [FORCE=1]" >&2; exit 2; fi
	@if [ ! -r "$(FILE)" ]; then echo "error: cannot read $(FILE)" >&2; exit 2; fi
	@url="$(MAINT_URL)"; bin="$(MAINT_BIN)"; \
	 db="$(RESTORE_DB)"; \
	 if [ -z "$$db" ]; then db=$$(printf '%s' "$$url" | sed -E 's#^[a-z+]+://[^/]*/([^?]*).*#\1#'); fi; \
	 admin=$$(printf '%s' "$$url" | sed -E 's#^([a-z+]+://[^/]*)/[^?]*#\1/postgres#'); \
	 target=$$(printf '%s' "$$url" | sed -E "s#^([a-z+]+://[^/]*)/[^?]*#\1/$$db#"); \
	 "$$bin/pg_restore" --list "$(FILE)" >/dev/null; \
	 $(MAINT_PSQL) -d "$$admin" -v db="$$db" -v force="$(if $(filter 1 yes true,$(FORCE)),1,0)" -f sql/restore_prepare.sql; \
	 "$$bin/pg_restore" --exit-on-error --single-transaction --dbname="$$target" "$(FILE)"; \
	 echo "restored $(FILE) into database $$db"; \
	 keys=$$("$$bin/psql" -X -Atq -d "$$target" -c "SELECT string_agg(DISTINCT encode(substr(value, 2, 8), 'hex'), ', ') FROM ops.config_secrets WHERE get_byte(value, 0) = 1" 2>/dev/null || true); \
	 if [ -n "$$keys" ]; then echo "  secret configuration values are encrypted: the service reads them with its key (fingerprint $$keys)"; fi
