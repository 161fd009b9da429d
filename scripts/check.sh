#!/usr/bin/env bash
# The project's whole test command: lint, format, types, import contracts, tests.
# Usage: scripts/check.sh  (creates .venv if missing and installs the project with its dev group)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade "pip>=25.1"
.venv/bin/python -m pip install -q -e ".[postgres,discord,slack]" --group dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"
