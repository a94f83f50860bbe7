# The two commands a newcomer needs: `make run` and `make test`.
# Type checking: mypy, configured in pyproject.toml ([tool.mypy]; strict for tracking, carriers,
# conversations).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test check format train install clean bench texts

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml scripts/bootstrap.sh
	./scripts/bootstrap.sh
	touch $(STAMP)

install: $(STAMP)

# `parceldesk train` keys the model by a content hash and skips training when nothing changed.
train: $(STAMP) texts
	$(BIN)/parceldesk train

run: train
	$(BIN)/parceldesk run

test: train
	./scripts/ensure_chromium.sh
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m mypy
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: train
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) models var .pytest_cache

# Compile the sentence catalogues (bot/texts/locale/*/LC_MESSAGES/messages.po -> .mo).
texts: $(STAMP)
	$(BIN)/pybabel compile -d bot/texts/locale -D messages --statistics
