# The README's two commands: `make run` and `make test`. Both set everything up on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
STAMP  := $(VENV)/.installed
# The CPU build of torch comes from a local wheel folder (PIP_FIND_LINKS) or the PyTorch CPU index;
# without one of them an install would pull a multi-GB CUDA build.
FIND_LINKS := $(foreach d,$(PIP_FIND_LINKS),--find-links $(d))
PYTEST_ARGS ?=
# llama.cpp is compiled for this CPU (-march=native) but without AMX: some virtual machines advertise AMX
# tiles that they do not enable, and the first large matrix product then dies with "Illegal instruction".
# Only on x86_64, and only with a compiler that knows the flags (GCC >= 11, Clang >= 11).
NO_AMX := $(if $(filter x86_64,$(shell uname -m)),$(shell $(CC) -mno-amx-tile -mno-amx-int8 -mno-amx-bf16 -E -x c \
	/dev/null >/dev/null 2>&1 && echo -mno-amx-tile -mno-amx-int8 -mno-amx-bf16))

.PHONY: install lint run test test-quality test-fast ingest serve prepare lock bench eval browser postgres db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==0.13.8

# Re-installs only when the lock or the project metadata changed.
$(STAMP): requirements.lock pyproject.toml | $(UV)
	CFLAGS="$$CFLAGS $(NO_AMX)" CXXFLAGS="$$CXXFLAGS $(NO_AMX)" \
	  $(UV) pip install --python $(BIN)/python $(FIND_LINKS) -r requirements.lock
	$(UV) pip install --python $(BIN)/python --no-deps -e .
	@# Bytecode once, for every later process (some machines set PYTHONDONTWRITEBYTECODE, and then each
	@# process compiles its imports again: seconds per CLI call). A few vendored files do not compile.
	@$(BIN)/python -m compileall -q -j 0 $(VENV)/lib tutor >/dev/null 2>&1 || true
	@touch $@

install: $(STAMP)

# Re-resolve the lock after changing dependencies in pyproject.toml.
lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev $(FIND_LINKS) --python-version 3.11 -o requirements.lock

prepare: install
	$(BIN)/tutor prepare

ingest: install
	$(BIN)/tutor ingest

# Creates or migrates the database schema (SQLite by default, PostgreSQL with TUTOR_DATABASE_URL).
db: install
	$(BIN)/tutor db upgrade

run: prepare ingest db
	$(BIN)/tutor serve

serve: install
	$(BIN)/tutor serve

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# The PostgreSQL tests start a throwaway server from Debian's postgresql binaries (and nginx for the
# deployment test); both only listen on 127.0.0.1.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 || { \
	  echo "Installing Debian's postgresql and nginx for the database and deployment tests..."; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && RUNLEVEL=1 apt-get install -y -qq postgresql nginx >/dev/null; \
	  else sudo apt-get update -qq && sudo RUNLEVEL=1 apt-get install -y -qq postgresql nginx >/dev/null; fi; }

lint: install
	$(BIN)/ruff check .

test: install browser postgres lint
	$(BIN)/python -m pytest -m "not quality" $(PYTEST_ARGS)

# The long real-model runs CI's budget leaves out: the tutoring and techniques gates, the 54-question gaps run.
test-quality: install lint
	$(BIN)/python -m pytest -m quality $(PYTEST_ARGS)

test-fast: install postgres lint
	$(BIN)/python -m pytest -m "not real" $(PYTEST_ARGS)

eval: prepare ingest
	$(BIN)/tutor eval --json artifacts/eval.json --html artifacts/eval.html

bench: install
	$(BIN)/python benchmarks/ingest_throughput.py

clean:
	rm -rf $(VENV) .tutor artifacts .pytest_cache
