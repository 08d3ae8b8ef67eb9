#!/usr/bin/env bash
# The package itself, editable, with its test extras (pytest, hypothesis, the real Python SDK...).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
