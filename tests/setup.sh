#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh machine, then stops: the README's test
# command runs it before pytest. Each tool chain is one step under tests/setup.d/, run in name
# order; a step may be run alone (`bash tests/setup.d/30-chromium.sh`). Steps are idempotent:
# on a machine that already has a tool they check it and move on.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in tests/setup.d/*.sh; do
  echo "setup: ${step#tests/setup.d/}" >&2
  bash "$step"
done
