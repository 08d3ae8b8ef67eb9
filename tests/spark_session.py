"""One local Spark (``local[2]``) for the whole test session, shared by every Spark test.

Spark needs Java 17 (the machine's JDK) and pyspark, pyarrow and pandas (the test extras):
``tests.conftest.require`` skips without them on a developer's machine and fails under CI.
The session listens on 127.0.0.1 only, without its web UI; shuffles use two partitions.

    from tests.spark_session import spark  # noqa: F401
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import require


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    require(shutil.which("java") is not None,
            "Java is not installed: Spark needs a JDK 17 (tests/setup.d/60-spark.sh)")
    require(all(importlib.util.find_spec(name) for name in ("pyspark", "pyarrow", "pandas")),
            "pyspark, pyarrow and pandas are not installed: pip install -e '.[test]'")
    from protocols.spark import local_session

    session = local_session(2, app_name="protocols tests")
    yield session
    session.stop()
