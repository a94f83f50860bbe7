#!/usr/bin/env bash
# Create .venv with Python 3.10 and install ParcelDesk (with the dev extra) into it.
# Uses uv when it is on PATH, pip otherwise. Called by `make`; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' >/dev/null 2>&1; then
        command -v python3.10
        return
    fi
    local root="${PYENV_ROOT:-$HOME/.pyenv}"
    local candidate
    candidate=$(ls -d "$root"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -1 || true)
    if [ -n "$candidate" ] && "$candidate" -c 'import sys' >/dev/null 2>&1; then
        echo "$candidate"
        return
    fi
    return 1
}

if [ ! -x .venv/bin/python ]; then
    if ! PY=$(find_python); then
        cat >&2 <<'MSG'
error: ParcelDesk needs Python 3.10 (Rasa 3.6 runs on nothing newer).
  Install it, e.g. `pyenv install 3.10` or `apt-get install python3.10 python3.10-venv`,
  so that `python3.10` is on PATH (or under pyenv's versions), then run make again.
MSG
        exit 1
    fi
    echo "creating .venv with $PY"
    if command -v uv >/dev/null 2>&1; then
        uv venv --python "$PY" .venv
    else
        "$PY" -m venv .venv
    fi
fi

if command -v uv >/dev/null 2>&1; then
    echo "installing with uv"
    VIRTUAL_ENV="$PWD/.venv" uv pip install --python .venv/bin/python -e '.[dev]'
else
    echo "installing with pip (install uv to make this much faster)"
    .venv/bin/python -m pip install --quiet --upgrade pip wheel
    .venv/bin/python -m pip install --quiet -e '.[dev]'
fi
