#!/usr/bin/env bash
# Debian's Chromium, for the tests that open pages in a real browser through Playwright
# (Playwright's own browser download cannot be used: it needs a network the registries don't
# cover). Needs root (or passwordless sudo) the first time; without it the browser tests skip,
# saying so, except under CI, where they fail.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
  echo "setup: chromium is not installed and this user cannot install it (apt-get install chromium as root);" \
       "the browser tests will be skipped" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get install -y -q --no-install-recommends chromium >/dev/null \
  || { "${as_root[@]}" apt-get update -q >/dev/null && "${as_root[@]}" apt-get install -y -q --no-install-recommends chromium >/dev/null; }
command -v chromium >/dev/null
