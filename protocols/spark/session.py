"""A Spark session for one machine: what the tests, the benchmark and a local run use."""

from __future__ import annotations

import os
import sys

from pyspark.sql import SparkSession


def local_session(cores: int = 2, *, app_name: str = "protocols") -> SparkSession:
    """A ``local[cores]`` session bound to 127.0.0.1, without the web UI or progress bars,
    whose Python workers run this interpreter (so they see the same packages)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (SparkSession.builder.master(f"local[{cores}]").appName(app_name)
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", str(max(2, cores)))
               .config("spark.default.parallelism", str(max(2, cores)))
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    return session


def job_session(master: str | None = None, *, app_name: str = "protocols validate"
                ) -> tuple[SparkSession, bool]:
    """The session of a job, and whether the job made it (and so stops it): the active
    session when there is one (a notebook, a test), spark-submit's, or a new one on
    ``master`` (default: Spark's own, ``local[*]``)."""
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    if master is None or master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    spark = builder.config("spark.ui.showConsoleProgress", "false").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark, True
