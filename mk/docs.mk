# Schema documentation: docs/schema/ is generated from the catalog of a throwaway database migrated
# from scratch (docs/generate.py); the test suite fails when the committed pages drift from it.
# docs-check validates every Mermaid diagram with mermaid itself in headless Chromium (Debian's
# chromium, driven by puppeteer-core, which downloads no browser). What is missing is installed
# with apt-get only when allowed (mk/need-apt-packages): INSTALL_DEPS=1 installs without asking,
# a terminal is asked first, otherwise the target fails with the command to run.

.PHONY: docs docs-check

DOCS_DIR := docs/schema
MERMAID_CHECK_DIR := docs/mermaid-check
MERMAID_CHECK_STAMP := $(MERMAID_CHECK_DIR)/node_modules/.installed

docs: install ## regenerate docs/schema/ (ER diagrams, a page per table/view/function) from a fresh database
	$(PY) docs/generate.py --out $(DOCS_DIR)

docs-check: $(MERMAID_CHECK_STAMP) ## validate every Mermaid diagram of docs/schema/ (mermaid in headless Chromium; INSTALL_DEPS=1 installs what is missing)
	@if [ -z "$${CHROMIUM:-}" ] && ! command -v chromium-browser >/dev/null; then \
	    mk/need-apt-packages "Chromium (or set CHROMIUM to a browser)" chromium chromium; \
	fi
	node $(MERMAID_CHECK_DIR)/check.mjs --self-test
	node $(MERMAID_CHECK_DIR)/check.mjs $(DOCS_DIR)

$(MERMAID_CHECK_STAMP): $(MERMAID_CHECK_DIR)/package.json $(MERMAID_CHECK_DIR)/package-lock.json
	@mk/need-apt-packages "node and npm" "nodejs npm" node npm
	cd $(MERMAID_CHECK_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
