# S2 CloudFree - developer tasks.
#
#   make setup    Debian packages (QGIS 3.22, rasterio, xvfb, zip) + .venv with
#                 requirements-dev.txt. Idempotent; a no-op run takes ~1 s.
#   make test     pytest over tests/ (headless, QT_QPA_PLATFORM=offscreen)
#   make demo     scripts/demo.py with the venv's Python
#   make bench    every benchmarks/bench_*.py, one after the other
#   make bench-quality  cloud-removal quality on the real series (about 30 min)
#   make bench-seq2point-quality  seq2point trained on each real series (about 80 min)
#   make bench-mask-sources  mask sources' agreement and effect on cloud removal (about 10 min)
#   make lleaves-venv  .venv-lleaves for the lleaves reference of bench_cloudmask
#   make package  dist/s2cloudfree.<version>.zip (qgis-plugin-ci, .venv-release)
#   make publish-check  the package, then the plugin repository's checks on it
#   make clean    build outputs; `make distclean` also removes both venvs
#
# Never use the `python3` first on PATH (it may be an interpreter that cannot
# import qgis): always /usr/bin/python3 or .venv/bin/python.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

SYS_PYTHON   := /usr/bin/python3
VENV         := .venv
VENV_PY      := $(VENV)/bin/python
VENV_STAMP   := $(VENV)/.s2cf-setup-stamp
RELEASE_VENV := .venv-release
RELEASE_PY   := $(RELEASE_VENV)/bin/python
RELEASE_STAMP := $(RELEASE_VENV)/.s2cf-setup-stamp

APT_PACKAGES := qgis python3-qgis python3-rasterio python3-venv xvfb zip chromium

# torch==2.13.0 (CPU) is served from a local wheel dir; pip's config normally
# lists it already, passing it again is harmless and survives a bare pip config.
WHEEL_DIR    := /opt/wheels
PIP_INSTALL  := -m pip install --disable-pip-version-check $(if $(wildcard $(WHEEL_DIR)),--find-links $(WHEEL_DIR))

export QT_QPA_PLATFORM ?= offscreen

# make test TESTS=tests/test_packaging.py PYTEST_ARGS='-x -k zip'
TESTS ?= tests
PYTEST_ARGS ?=

.PHONY: lleaves-venv bench-mask-sources

bench-mask-sources: setup
	$(VENV_PY) benchmarks/bench_mask_sources.py
.PHONY: help setup apt-deps test demo bench bench-quality bench-seq2point-quality bench-batch package publish-check release-venv clean distclean

help:
	@sed -n '3,15p' Makefile | sed 's/^# \{0,1\}//'

## ---- setup ---------------------------------------------------------------

setup: apt-deps $(VENV_STAMP)

# Installs only what is missing; `apt-get update` runs only then.
apt-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  if [ "$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null)" != "installed" ]; then \
	    missing="$$missing $$p"; \
	  fi; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  echo ">> installing Debian packages:$$missing"; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

# The venv sees Debian's site packages (qgis, PyQt5, GDAL, rasterio).
$(VENV_STAMP): requirements.txt requirements-dev.txt | apt-deps
	@if [ -x $(VENV_PY) ] && ! grep -qx 'include-system-site-packages = true' $(VENV)/pyvenv.cfg; then \
	  echo ">> $(VENV) was not made with --system-site-packages: recreating it"; \
	  rm -rf $(VENV); \
	fi; \
	if [ ! -x $(VENV_PY) ]; then \
	  echo ">> creating $(VENV) (system site packages)"; \
	  $(SYS_PYTHON) -m venv --system-site-packages $(VENV); \
	fi
	$(VENV_PY) $(PIP_INSTALL) -r requirements-dev.txt
	@touch $@

# Plain venv (NOT system-site-packages): qgis-plugin-ci pins PyQt5 from PyPI.
release-venv: $(RELEASE_STAMP)

$(RELEASE_STAMP): requirements-release.txt | apt-deps
	@if [ ! -x $(RELEASE_PY) ]; then \
	  echo ">> creating $(RELEASE_VENV) (plain)"; \
	  $(SYS_PYTHON) -m venv $(RELEASE_VENV); \
	fi
	$(RELEASE_PY) $(PIP_INSTALL) -r requirements-release.txt
	@touch $@

## ---- tasks ---------------------------------------------------------------

test: setup
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest $(TESTS) $(PYTEST_ARGS)

demo: setup
	$(VENV_PY) scripts/demo.py

bench: setup
	@shopt -s nullglob; benches=(benchmarks/bench_*.py); \
	if [ $${#benches[@]} -eq 0 ]; then echo "no benchmarks/bench_*.py"; exit 0; fi; \
	for b in "$${benches[@]}"; do \
	  echo ">> $(VENV_PY) $$b"; \
	  $(VENV_PY) "$$b"; \
	done

bench-quality: setup
	$(VENV_PY) benchmarks/bench_quality.py $(BENCH_ARGS)

bench-seq2point-quality: setup
	$(VENV_PY) benchmarks/bench_seq2point_quality.py $(BENCH_ARGS)

bench-batch: setup
	$(VENV_PY) benchmarks/bench_batch.py $(BENCH_ARGS)

package: release-venv
	scripts/build-release.sh

publish-check: package
	/usr/bin/python3 scripts/check_release.py gate "$${S2CF_DIST_DIR:-dist}/s2cloudfree.$$(sed -n 's/^version=//p' metadata.txt).zip"

## ---- cleaning ------------------------------------------------------------

clean:
	rm -rf build dist .dev demo_output bench_output .pytest_cache .qgis-settings
	find . -path ./$(VENV) -prune -o -path ./$(RELEASE_VENV) -prune -o \
	  -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(RELEASE_VENV)

# lleaves 1.3 needs llvmlite < 0.45 (numba in .venv needs 0.50): its own venv, used by
# benchmarks/bench_cloudmask.py as a named reference (skipped when absent).
lleaves-venv:
	@[ -x .venv-lleaves/bin/python ] || $(SYS_PYTHON) -m venv --system-site-packages .venv-lleaves
	.venv-lleaves/bin/python $(PIP_INSTALL) "llvmlite==0.44.0" "lleaves==1.3.0"
