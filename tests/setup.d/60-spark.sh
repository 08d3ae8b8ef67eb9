#!/usr/bin/env bash
# Apache Spark for the Spark tests (tests/test_spark*.py): pyspark, pyarrow and pandas come
# from PyPI with the test extras (10-python.sh); Spark runs on the machine's JDK, which must
# be 17 or later. Checks both, and starts nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v java >/dev/null 2>&1; then
  echo "setup: java is missing (install a JDK 17); the Spark tests will fail under CI" >&2
  exit 0
fi
version="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
if [ "${version:-0}" -lt 17 ]; then
  echo "setup: Spark needs Java 17 or later, found ${version:-none}" >&2
fi
.venv/bin/python -c "import pyspark, pyarrow, pandas" \
  || { echo "setup: pyspark is not installed: pip install -e '.[test]'" >&2; exit 1; }
