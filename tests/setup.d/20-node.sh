#!/usr/bin/env bash
# npm tools the tests run: the TypeScript checker, the real Segment SDKs, the SARIF validator.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm ci --prefix tests/node --no-audit --no-fund
