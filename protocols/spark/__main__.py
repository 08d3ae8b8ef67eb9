"""``python -m protocols.spark``: ``validate`` on Spark, for ``spark-submit`` (docs/spark.md)."""

from __future__ import annotations

from protocols.cli.spark_job import main

if __name__ == "__main__":
    main()
