"""How long ``protocols diff`` takes to compare two large plans, as a ratio to loading them.

Loading (YAML with positions, format check, resolving) is the reference measured in the same
run: the comparison should cost a fraction of it. Run:

    .venv/bin/python benchmarks/bench_diff.py [EVENTS] [PROPERTIES_PER_EVENT]
"""

from __future__ import annotations

import copy
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from protocols.diff.compare import diff_plans
from protocols.plan import load_plan


def make_plan(events: int, properties: int) -> dict[str, Any]:
    rng = random.Random(7)
    kinds = ["string", "number", "integer", "boolean"]
    return {"protocols": 1, "plan": "bench", "version": "1.0.0", "events": {
        f"Event Number {i}": {"description": "Something happened.", "properties": {
            f"prop_{j}": {"type": rng.choice(kinds), "description": "A value."}
            for j in range(properties)}}
        for i in range(events)}}


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    properties = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    old = make_plan(events, properties)
    new = copy.deepcopy(old)
    for index, body in enumerate(new["events"].values()):
        if index % 10 == 0:  # one change in every tenth event
            body["properties"]["prop_0"]["required"] = True
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, plan in (("old.yaml", old), ("new.yaml", new)):
            path = Path(folder) / name
            path.write_text(yaml.safe_dump(plan, sort_keys=False), "utf-8")
            paths.append(path)
        start = time.perf_counter()
        before, after = load_plan(paths[0]), load_plan(paths[1])
        load = time.perf_counter() - start
    start = time.perf_counter()
    changes = diff_plans(before, after, plan_name="bench")
    compare = time.perf_counter() - start
    print(f"{events} events x {properties} properties, {len(changes)} changes: "
          f"load both {load:.2f}s, compare {compare:.2f}s, compare/load {compare / load:.3f}")


if __name__ == "__main__":
    main()
