"""Time every reporter on many findings, as a ratio to the JSON reporter (the reference).

    .venv/bin/python benchmarks/reporters.py [FINDINGS] [FORMAT...]

Without FORMATs, every reporter but ``text`` (rich markup: about 12x json, minutes at 25,000).

Validate keeps only a few examples per code and event, but lint and diff do not cap, and
SARIF/GitLab must cope with a run at code scanning's 25,000-result limit and beyond.
"""

from __future__ import annotations

import sys
import time

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.report import REPORTERS, RenderOptions, RunResult

LEVELS = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def findings(count: int) -> RunResult:
    diagnostics = tuple(
        Diagnostic(f"PV{300 + i % 7}", f"rule-{i % 7}", LEVELS[i % 3],
                   f"properties.items[{i % 50}].price: expected number, got '{i}'",
                   file=f"logs/source-{i % 13}.ndjson", line=i + 1, column=1,
                   path=f"properties.items[{i % 50}].price", event=f"Event {i % 40}",
                   related=Location("plans/ecommerce.yaml", 10 + i % 90, 7))
        for i in range(count))
    by_event = {f"Event {e}": {"messages": count, "invalid": count // 40} for e in range(40)}
    return RunResult("validate", diagnostics, {"messages": count, "valid": 0, "invalid": count,
                                               "unparseable": 0, "by_event": by_event})


def best_of(runs: int, result: RunResult, name: str) -> float:
    options = RenderOptions(tool_version="bench")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        REPORTERS[name](result, options)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 25_000
    names = sys.argv[2:] or [name for name in REPORTERS if name not in ("json", "text")]
    result = findings(count)
    reference = best_of(3, result, "json")
    print(f"{count:,} findings; json (reference): {reference:.3f} s")
    for name in names:
        if name != "json":
            seconds = best_of(3, result, name)
            print(f"{name:>9}: {seconds:.3f} s  ({seconds / reference:.2f}x json)")


if __name__ == "__main__":
    main()
