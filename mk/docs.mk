# Schema documentation: docs/schema/ is generated from the catalog of a throwaway database migrated
# from scratch (docs/generate.py); the test suite fails when the committed pages drift from it.
# docs-check validates every Mermaid diagram with mermaid itself in headless Chromium (Debian's
# chromium, driven by puppeteer-core, which downloads no browser).

.PHONY: docs docs-check

DOCS_DIR := docs/schema
MERMAID_CHECK_DIR := docs/mermaid-check
MERMAID_CHECK_STAMP := $(MERMAID_CHECK_DIR)/node_modules/.installed

docs: install ## regenerate docs/schema/ (ER diagrams, a page per table/view/function) from a fresh database
	$(PY) docs/generate.py --out $(DOCS_DIR)

docs-check: $(MERMAID_CHECK_STAMP) ## validate every Mermaid diagram of docs/schema/ (mermaid in headless Chromium)
	@if [ -z "$${CHROMIUM:-}" ] && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then \
	    if [ "$$(id -u)" != 0 ]; then echo "error: Chromium is needed: apt-get install chromium (or set CHROMIUM)" >&2; exit 1; fi; \
	    echo "installing chromium (Debian)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	node $(MERMAID_CHECK_DIR)/check.mjs --self-test
	node $(MERMAID_CHECK_DIR)/check.mjs $(DOCS_DIR)

$(MERMAID_CHECK_STAMP): $(MERMAID_CHECK_DIR)/package.json $(MERMAID_CHECK_DIR)/package-lock.json
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	    if [ "$$(id -u)" != 0 ]; then echo "error: node and npm are needed: apt-get install nodejs npm" >&2; exit 1; fi; \
	    echo "installing nodejs and npm (Debian)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	cd $(MERMAID_CHECK_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
