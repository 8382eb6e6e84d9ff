# yiwang — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
YIWANG := $(VENV)/bin/yiwang
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install system-deps venv assets messages demo test check clean

# Debian packages: gettext (compile translations), chromium (browser tests), postgresql-client (pg_dump).
system-deps:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pg_dump >/dev/null || missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

assets: node_modules/.installed

messages: venv system-deps
	cd src/yiwang && ../../$(YIWANG) compilemessages -v 0

install: system-deps venv assets messages

demo: install
	$(YIWANG) migrate --noinput -v 0
	$(YIWANG) demo-data --url http://$(HOST):$(PORT)/
	@echo "Serving yiwang on http://$(HOST):$(PORT)/ with its events worker (e-mail and SMS notices; Ctrl-C stops both)"
	@$(YIWANG) events work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; $(YIWANG) runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest

check: venv
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) node_modules staticfiles var
