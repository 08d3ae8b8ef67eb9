#!/usr/bin/env bash
# The crates of benchmarks/native_floor/ (serde, serde_json), from crates.io as its Cargo.lock
# pins them, and the program built once, so tests/test_bench_floor.py builds offline and fast.
# A benchmark only: the package itself has no Rust. Rust comes with the machine (rustup);
# without cargo the native-floor tests skip saying so, except under CI, where they fail.
set -euo pipefail
cd "$(dirname "$0")/../../benchmarks/native_floor"
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo is not installed; the native floor's tests will be skipped" >&2
  exit 0
fi
cargo fetch --locked
cargo build --release --locked --offline --quiet --target-dir ../out/native-target
