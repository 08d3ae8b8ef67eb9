#!/usr/bin/env bash
# Go modules the generated Go clients are built against (github.com/segmentio/analytics-go/v3
# and what it needs), from the Go module proxy into the module cache, as tests/go/go.mod and
# go.sum pin them. The tests then build offline (GOPROXY=off). Go itself comes with the machine;
# without it the Go tests skip saying so, except under CI, where they fail.
set -euo pipefail
cd "$(dirname "$0")/../go"
if ! command -v go >/dev/null 2>&1; then
  echo "setup: go is not installed; the Go code generation tests will be skipped" >&2
  exit 0
fi
go mod download
# Compiles the SDK once, so the first test does not pay for it (and proves the cache is whole).
GOFLAGS=-mod=mod GOPROXY=off go build ./...
