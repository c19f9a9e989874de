# Command-line entry points. The real work lives in scripts/.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
REQUIREMENTS := requirements.txt requirements-dev.txt
# The stamp name changes whenever a requirements file changes, so the venv is
# refreshed then and left alone otherwise.
REQ_HASH := $(shell cat $(REQUIREMENTS) 2>/dev/null | sha256sum | cut -c1-16)
STAMP := $(VENV)/.installed-$(REQ_HASH)

.PHONY: venv run test lint bench

venv: $(STAMP)

$(STAMP): $(REQUIREMENTS)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 \
		| { grep -v 'is ignored: it is neither a file nor a directory' || true; }
	rm -f $(VENV)/.installed-*
	touch $@

run:
	bash scripts/run.sh

# Extra pytest arguments: make test ARGS="-k foo -x"
test:
	bash scripts/test.sh $(ARGS)

# The benchmarks of docs/performance.md (not tests): make bench ARGS="--only kpi_snapshot"
bench:
	bash scripts/bench.sh $(ARGS)

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

.PHONY: backup restore

# The database (pg_dump) and uploaded files into var/backups/<timestamp>/ (or BACKUP_DIR), with a manifest.
backup: venv
	bash scripts/backup.sh

# make restore BACKUP=var/backups/<timestamp>: restore, then check the row counts and files against the manifest.
restore: venv
	bash scripts/restore.sh "$(BACKUP)"
