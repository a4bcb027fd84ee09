# Persona Tutor: `make run` sets everything up and opens the app; `make test` checks everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run install test lint typecheck pytest bench dist icons screenshots translations clean

run: install
	$(BIN)/persona-tutor models starter
	$(BIN)/persona-tutor

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[starter,dev]"
	touch $(STAMP)

lint: install
	$(BIN)/ruff check app tests
	$(BIN)/ruff format --check app tests

typecheck: install
	$(BIN)/mypy

pytest: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test: lint typecheck pytest

bench: install
	$(BIN)/persona-tutor bench engine
	$(BIN)/persona-tutor bench store
	$(BIN)/persona-tutor bench checker
	QT_QPA_PLATFORM=offscreen $(BIN)/persona-tutor bench ui

# The one-folder app (dist/persona-tutor/) and dist/persona-tutor-<version>-linux-x86_64.tar.gz; see packaging/README.md.
dist: install
	$(BIN)/python packaging/build_bundle.py --dist dist --work build/pyinstaller

# Re-render the committed hicolor PNG icons after changing assets/persona-tutor.svg.
icons: install
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/make_icons.py

# Re-extract the GUI's strings into the .ts (translations kept; new ones arrive unfinished: translate them in the
# .ts, e.g. with Qt Linguist), then compile the .qm the app loads. Commit both.
TS := app/ui/translations/persona_tutor_zh_CN.ts
translations: install
	$(BIN)/pyside6-lupdate -locations none -no-obsolete $(filter-out app/ui/stall_bench.py,$(wildcard app/ui/*.py)) -ts $(TS)
	$(BIN)/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

# The set of screenshots the README shows (tests/ui/test_screenshots.py), with the real starter model replying,
# into docs/screenshots/. The other GUI tests save what they check into screenshots/.
screenshots: install
	rm -f docs/screenshots/*.png
	PERSONA_TUTOR_SCREENSHOTS=docs/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/ui/test_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache screenshots build dist
