"""Peak memory of `protocols infer` as logs grow, against loading the messages (the reference).

Writes N synthetic track/identify messages to a gzip NDJSON file, then measures with
tracemalloc, in the same process:

* infer: ``protocols.infer.infer_plan`` streaming the file;
* reference: reading every message into a list (what a non-streaming reader holds).

Run: ``.venv/bin/python benchmarks/infer_memory.py 20000 200000``
"""

from __future__ import annotations

import gzip
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from protocols.infer import infer_plan

EVENTS = ["Order Completed", "Product Viewed", "Cart Viewed", "Checkout Started",
          "order_completed"]


def write_log(path: Path, count: int) -> None:
    rng = random.Random(7)
    with gzip.open(path, "wt", encoding="utf-8") as out:
        for i in range(count):
            if i % 50 == 0:
                message: dict[str, Any] = {"type": "identify", "userId": f"u{i}", "traits": {
                    "email": f"user{i}@example.com", "plan": rng.choice(["free", "pro"])}}
            else:
                message = {"type": "track", "event": rng.choice(EVENTS), "userId": f"u{i}",
                           "properties": {
                               "order_id": f"order-{i}", "total": rng.random() * 100,
                               "currency": rng.choice(["USD", "EUR", "GBP"]),
                               "products": [{"sku": f"s{rng.randint(1, 10**6)}",
                                             "price": rng.randint(1, 500)}
                                            for _ in range(rng.randint(0, 3))]}}
            out.write(json.dumps(message) + "\n")


def load_all(path: Path) -> list[Any]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def peak(action: Callable[[], object]) -> tuple[int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top, elapsed


def main(sizes: list[int]) -> None:
    print(f"{'messages':>9} {'infer peak':>11} {'reference peak':>15} {'ratio':>6} "
          f"{'infer s':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for count in sizes:
            log = Path(folder) / f"log-{count}.ndjson.gz"
            write_log(log, count)
            infer_peak, seconds = peak(lambda log=log: infer_plan([(log, log.name)],
                                                                   plan_id="bench"))
            reference_peak, _ = peak(lambda log=log: load_all(log))
            print(f"{count:>9} {infer_peak / 2**20:>9.2f}MB {reference_peak / 2**20:>13.2f}MB "
                  f"{reference_peak / infer_peak:>6.1f} {seconds:>8.2f}")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [20_000, 200_000])
