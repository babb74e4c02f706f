# One entry point for instructors and CI. Every target creates or reuses .venv/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
SUBMISSIONS ?= examples/submissions
OUT ?= gradebook
JOBS ?=
TIMEOUT ?=
UNSAFE ?=
CHROMIUM := /usr/bin/chromium
BWRAP := /usr/bin/bwrap

.PHONY: all course grade test release bench nbgrader clean

## make: set up, build the course, grade the bundled example submissions (isolated when
## bubblewrap can be installed; the course's own examples are graded in any case)
all: course
	-@$(MAKE) -s --no-print-directory $(BWRAP)
	$(MAKE) grade SUBMISSIONS=examples/submissions OUT=gradebook

$(READY): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[course]'
	touch $(READY)

## make course: student notebooks and autograder zips from the masters in solutions/
course: $(READY)
	$(PY) -m autograder.build

## make grade SUBMISSIONS=<dir> OUT=<dir> [JOBS=n] [TIMEOUT=s] [UNSAFE=1]
## each submission runs isolated (bubblewrap); UNSAFE=1 grades without isolation
grade: $(READY)
	$(PY) -m autograder.grade $(SUBMISSIONS) $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(filter 1,$(UNSAFE)),--unsafe)

## make release [OUT=<dir>]: what students get (notebooks, public tests, helpers), nothing else
release: $(READY)
	$(PY) -m autograder.release $(if $(filter-out gradebook,$(OUT)),$(OUT),release)

## make test: the whole test suite (the browser test needs Debian's Chromium, the grading
## tests bubblewrap)
test: $(READY) | $(CHROMIUM) $(BWRAP)
	$(PY) -m pytest

$(CHROMIUM):
	apt-get update -qq && apt-get install -y -qq chromium

$(BWRAP):
	apt-get update -qq && apt-get install -y -qq bubblewrap

## make nbgrader: an nbgrader course directory (nbgrader_course/) from the masters
nbgrader: $(READY)
	$(PY) -m autograder.nbgrader_course nbgrader_course

## make bench: speed of the course against the original tutorial (writes benchmarks/RESULTS.md)
bench: $(READY)
	$(PY) -m benchmarks.bench --write benchmarks/RESULTS.md

clean:
	rm -rf gradebook .pytest_cache
