# One entry point for instructors and CI. Every target creates or reuses .venv/.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
READY := $(VENV)/.ready
SUBMISSIONS ?= examples/submissions
SOLUTIONS ?=
NOTEBOOKS ?=
OUT ?= gradebook
JOBS ?=
TIMEOUT ?=
UNSAFE ?=
LAYOUT ?=
ROSTER ?=
STUDENTS ?=
DEADLINES ?=
ASSIGNMENTS ?=
LMS ?=
EXPORT_ALL ?=
CHROMIUM := /usr/bin/chromium
# The simulated Colab runtime (tests/test_colab.py): its wheels, downloaded once into .colab/
COLAB := .colab
COLAB_LISTS := tests/data/colab/preinstalled.txt tests/data/colab/setup_downloads.txt
COLAB_SOURCE := tests/data/colab/source.txt
# Colab's Python (3.13), as source.txt records it: python3.13 on the PATH, else one
# installed with pyenv
COLAB_VERSION := $(shell sed -n 's/^python: \([0-9]*\.[0-9]*\).*/\1/p' $(COLAB_SOURCE))
PYTHON_COLAB ?= $(shell for p in python$(COLAB_VERSION) $$(pyenv root 2>/dev/null)/versions/$(COLAB_VERSION).*/bin/python$(COLAB_VERSION); \
	do $$p -c 'import sys; print(sys.executable)' 2>/dev/null && break; done)
FREEZE ?=
PYTHON_VERSION ?=
OS_INFO ?=
SOURCE ?=
BWRAP := /usr/bin/bwrap

.PHONY: all course grade review test release bench nbgrader colab-runtime clean

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
##            [LAYOUT=folders|canvas|moodle|gradescope] [ROSTER=<csv>] [STUDENTS=a,b] [NOTEBOOKS=a,b]
##            [DEADLINES=<csv>] [ASSIGNMENTS=<csv>] [LMS=canvas|moodle] [EXPORT_ALL=1]
## each submission runs isolated (bubblewrap); UNSAFE=1 grades without isolation;
## STUDENTS=/NOTEBOOKS= regrade those only (NOTEBOOKS= also names the notebooks due)
grade: $(READY)
	$(PY) -m autograder.grade $(SUBMISSIONS) $(OUT) $(if $(JOBS),--jobs $(JOBS)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(filter 1,$(UNSAFE)),--unsafe) \
		$(if $(LAYOUT),--layout $(LAYOUT)) $(if $(ROSTER),--roster "$(ROSTER)") $(if $(STUDENTS),--students "$(STUDENTS)") $(if $(NOTEBOOKS),--notebooks "$(NOTEBOOKS)") \
		$(if $(DEADLINES),--deadlines "$(DEADLINES)") $(if $(ASSIGNMENTS),--assignments "$(ASSIGNMENTS)") $(if $(LMS),--lms $(LMS)) $(if $(filter 1,$(EXPORT_ALL)),--export-all)

## make review OUT=<dir> [PORT=<n>]: serve the review pages of the written answers on this
## machine (port 8765, or the next free one; PORT= that port only); the scores and comments
## entered there go to <dir>/manual_scores.csv
review: $(READY)
	$(PY) -m autograder.review $(OUT) $(if $(PORT),--port $(PORT))

## make release [OUT=<dir>] [NOTEBOOKS=<notebook>,...] [SOLUTIONS=<notebook>,...]: what students
## get (notebooks, public tests, helpers), written in place (a clone of the student repository
## keeps .git/ and every file the release did not write); NOTEBOOKS adds only those notebooks
## to the ones released before (default: all); SOLUTIONS adds those reference solutions;
## the student README goes to COURSE.md (STUDENT_README=README.md: there instead)
release: $(READY)
	$(PY) -m autograder.release $(if $(filter-out gradebook,$(OUT)),$(OUT),release) $(if $(NOTEBOOKS),--notebooks $(NOTEBOOKS)) $(if $(SOLUTIONS),--solutions $(SOLUTIONS)) $(if $(STUDENT_README),--student-readme $(STUDENT_README))

## make test: the whole test suite (the browser test needs Debian's Chromium, the grading
## tests bubblewrap, the Colab test Colab's Python (source.txt) and the wheels of Colab's packages)
test: $(READY) $(COLAB)/.ready | $(CHROMIUM) $(BWRAP)
	$(PY) -m pytest --numprocesses auto --dist loadfile

$(COLAB)/.ready: $(COLAB_LISTS) $(COLAB_SOURCE)
	@test -n "$(PYTHON_COLAB)" || { echo "make test needs Python $(COLAB_VERSION) for the simulated Colab runtime: install it or set PYTHON_COLAB=/path/to/python$(COLAB_VERSION)"; exit 1; }
	$(PYTHON_COLAB) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		--dest $(COLAB)/wheels $(addprefix -r ,$(COLAB_LISTS))
	echo "$(PYTHON_COLAB)" > $(COLAB)/python
	touch $@

## make colab-runtime FREEZE=<pip-freeze.txt> [PYTHON_VERSION=3.13] [OS_INFO=<os-info.txt>]
##                    [SOURCE="backend-info at commit ..."]: the simulated Colab runtime's
## package list (tests/data/colab/) from Colab's published one (googlecolab/backend-info);
## downloads what it reads from PyPI; then `make test` tests the course in that runtime
colab-runtime: $(READY)
	@test -n "$(FREEZE)" || { echo "make colab-runtime needs FREEZE=<Colab's pip-freeze.txt>"; exit 1; }
	$(PY) -m autograder.colab_packages $(FREEZE) $(if $(PYTHON_VERSION),--python-version $(PYTHON_VERSION)) $(if $(OS_INFO),--os-info $(OS_INFO)) $(if $(SOURCE),--source "$(SOURCE)")

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
