# The two commands: `make run` starts the whole platform, `make test` runs the whole test suite.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test services stop status bench clean-local

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

run: $(STAMP)
	bash scripts/run.sh

test: $(STAMP)
	bash scripts/services.sh start
	$(VENV)/bin/pytest $(PYTEST_ARGS)

services:
	bash scripts/services.sh start

stop:
	bash scripts/services.sh stop

status:
	bash scripts/services.sh status

bench: $(STAMP)
	bash scripts/services.sh start
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done
