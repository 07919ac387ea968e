# Two commands on a fresh machine: `make` (set up and build) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages: WeasyPrint needs Pango and a font; tests need Chromium, pdftotext, qpdf and Java (the Nu Html Checker).
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji
TEST_DEBS := chromium poppler-utils qpdf default-jre-headless libreoffice-calc-nogui

.PHONY: all site test test-fast lint golden bench serve debs test-debs clean bytecode

all: site

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

debs:
	@./scripts/ensure-debs $(RUNTIME_DEBS)

test-debs: debs
	@./scripts/ensure-debs $(TEST_DEBS)

# Bytecode for the package, written here because PYTHONDONTWRITEBYTECODE (set on some machines,
# this one included) would otherwise make every build compile it again (50 ms a start).
bytecode: $(STAMP)
	@$(PY) -m compileall -q ambitionsgraf bench > /dev/null

# SITE_URL: the published address (the Pages workflow sets it), used in PDFs, CSV and the sitemap.
site: $(STAMP) debs bytecode
	$(PY) build.py $(if $(SITE_URL),--site-url "$(SITE_URL)")

test: $(STAMP) test-debs lint
	$(PY) -m pytest

# The fast tier: no PDFs, no browser, no processes of their own; under a minute alone.
test-fast: $(STAMP) debs
	$(PY) -m pytest -q -m "not slow"

# Lint, format, types and the layers contract (pyproject.toml holds each tool's settings).
lint: $(STAMP)
	$(VENV)/bin/ruff check ambitionsgraf bench tests build.py
	$(VENV)/bin/ruff format --check ambitionsgraf bench tests build.py
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Refresh the golden HTML after a deliberate change; review the diff like code.
golden: $(STAMP) debs
	$(PY) -m tests.golden

bench: $(STAMP) debs bytecode
	$(PY) -m bench

# Builds into .cache/serve, never output/; PORT picks another port: `make serve PORT=8001`.
serve: $(STAMP) debs
	$(PY) build.py serve $(if $(PORT),--port $(PORT))

clean:
	rm -rf output .cache .pytest_cache
