# Two commands on a fresh machine: `make reproduce` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.stamp-test
DEV    := $(VENV)/.stamp-dev
export PYTHONHASHSEED := 0
# Small matrices: one BLAS thread per process is faster and far less noisy; figures use the cores through processes
# (python -m analysis -j N, default: all cores). make bench sets its own threads.
ONE_THREAD := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: venv test test-slow power verify verify-update figures figures-full paper reproduce reproduce-full bench mutants mutation lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0  # CPU wheel on this machine; before the extra
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,attention]' && touch $@

$(DEV): $(STAMP)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,dev]' && touch $@

venv: $(STAMP)                 ## create .venv and install the package with its test extras

test: $(STAMP)                 ## fast tier: every claim's properties, planted-bug sensitivity included
	$(ONE_THREAD) $(PY) -m pytest

test-slow: $(STAMP)            ## slow tier: large Monte-Carlo checks
	$(ONE_THREAD) $(PY) -m pytest -m slow

power: $(STAMP)                ## docs/power.{md,json}: false rejections and power of every Monte-Carlo criterion
	$(ONE_THREAD) $(PY) -m tests.power $(if $(ONLY),--only $(ONLY))

verify: $(STAMP)               ## proofs -> paper/generated/claims.{json,tex}; exit 1 on an error or a changed verdict
	$(ONE_THREAD) $(PY) -m proofs $(ARGS)

verify-update: $(STAMP)        ## accept changed verdicts on purpose and rewrite claims.{json,tex}
	$(ONE_THREAD) $(PY) -m proofs --update $(ARGS)

figures: $(STAMP)              ## every figure -> figures/*.png|pdf, paper/generated/*.json (+ numbers.tex); JOBS=N processes
	$(ONE_THREAD) $(PY) -m analysis $(if $(JOBS),-j $(JOBS))

figures-full: $(STAMP)         ## the `full` profile: more seeds, larger d; SCHEDULER=tcp://HOST:8786 runs it on Dask
	$(ONE_THREAD) $(PY) -m analysis --profile full $(if $(JOBS),-j $(JOBS)) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

paper: $(STAMP)                ## numbers.tex (and the README's tables) from the JSONs, then paper/main.pdf with latexmk
	$(PY) -m analysis.report --docs
	@if command -v latexmk >/dev/null 2>&1; then cd paper && latexmk -pdf -interaction=nonstopmode -halt-on-error -quiet main.tex; \
	else echo "TeX not found: install it with 'sudo apt-get install -y texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra latexmk poppler-utils', then run 'make paper'"; fi

reproduce: verify figures paper ## venv + proofs + figures + report

reproduce-full: verify figures-full paper

bench: $(STAMP)                ## C12 cost figure (figures/fig_cost.*), then speed/memory ratios -> benchmarks/results.json
	$(PY) -m analysis.fig_cost
	$(PY) -m benchmarks

mutants: $(STAMP)              ## plant known bugs (invalid constants too); each must turn a property test red (MUTANT_ARGS=--search-only: no @example)
	$(ONE_THREAD) $(PY) -m pytest -p tests.mutants --mutants $(MUTANT_ARGS)

mutation: $(DEV)               ## mutmut over the math modules -> docs/mutation.{md,json} (about an hour on 2 cores; not in CI)
	$(PY) -m tests.mutation_report --run $(if $(JOBS),--jobs $(JOBS))

lint: $(DEV)                   ## ruff check over src, tests, proofs, analysis, benchmarks; strict mypy on src/zosoftmax
	$(VENV)/bin/ruff check src tests proofs analysis benchmarks && $(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis mutants paper/*.aux paper/*.log paper/*.fls paper/*.fdb_latexmk
