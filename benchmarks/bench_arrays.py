"""How long reading a JSON array with broken elements takes, as a ratio to the same array
with every element whole, read in the same run.

Three layouts of N broken elements: an element a line with as many good ones between
(``mixed``), broken ones only (``broken``), and ``mixed`` on one line (``one line``). Only
the reader is timed (``read_records``: format, elements, positions, findings), best of
three. Run:

    .venv/bin/python benchmarks/bench_arrays.py [N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from protocols.validate.read.inputs import read_records

GOOD = json.dumps({"type": "track", "event": "Order Completed", "userId": "u1",
                   "properties": {"order_id": "o1", "currency": "USD", "total": 3}})
BROKEN = '{"type": "track", "event": oops, "userId": "u1"}'


def layouts(count: int) -> dict[str, tuple[list[str], str, str, str]]:
    """name: (elements, before, between, after)."""
    return {"mixed": ([GOOD, BROKEN] * count, "[\n", ",\n", "\n]\n"),
            "broken": ([BROKEN] * count, "[\n", ",\n", "\n]\n"),
            "one line": ([GOOD, BROKEN] * count, "[", ",", "]")}


def timed(path: Path) -> tuple[float, int, int]:
    """Best of three: (seconds, messages, findings)."""
    best, messages, findings = float("inf"), 0, 0
    for _ in range(3):
        started = time.perf_counter()
        messages = findings = 0
        for record in read_records(str(path)):
            for item in record.items:
                messages += item.message is not None
                findings += item.error is not None
        best = min(best, time.perf_counter() - started)
    return best, messages, findings


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        for name, (elements, before, between, after) in layouts(count).items():
            path, reference = Path(folder) / "broken.json", Path(folder) / "whole.json"
            path.write_text(before + between.join(elements) + after, "utf-8")
            reference.write_text(before + between.join(
                GOOD if e == BROKEN else e for e in elements) + after, "utf-8")
            seconds, messages, findings = timed(path)
            whole, _, _ = timed(reference)
            print(f"{name:9} {path.stat().st_size / 1e6:4.1f} MB, {messages:,} read, "
                  f"{findings:,} broken: {seconds:6.3f} s "
                  f"({seconds / max(findings, 1) * 1e6:5.0f} us a broken element); "
                  f"whole: {whole:6.3f} s; ratio {seconds / whole:5.1f}")


if __name__ == "__main__":
    main()
