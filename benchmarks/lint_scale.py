"""How lint rules scale with plan size, against references measured in the same run.

    python benchmarks/lint_scale.py [EVENTS] [PROPERTIES_PER_EVENT]

Builds a deterministic plan (default 1000 events of 18 properties, with some near-duplicate
names planted), then reports:

* loading the plan (the reference every command pays) against running every lint rule;
* PL205's candidate search against the obvious method, naming.near_duplicate on every pair
  of event names, checking that both find the same near-duplicates.
"""

from __future__ import annotations

import random
import string
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from protocols.diagnostics import Diagnostic
from protocols.lint.context import LintContext
from protocols.lint.registry import Check, all_rules
from protocols.lint.rules.consistency import _looks_like_typo, find_near_duplicates
from protocols.naming import collision_key, near_duplicate
from protocols.plan.loader import load_plan_file

T = TypeVar("T")


def build_plan(events: int, per_event: int, seed: int = 7) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    words = sorted({"".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 9)))
                    for _ in range(400)})
    lines = ["protocols: 1", "plan: big", "conventions: {event_case: title, property_case: snake}",
             "properties:"]
    library = words[:100]
    lines += [f"  {w}_id: {{type: string, description: Id of the {w}.}}" for w in library]
    lines.append("events:")
    names: list[str] = []
    while len(names) < events:
        name = f"{rng.choice(words).title()} {rng.choice(words).title()}"
        if len(names) % 50 == 49:  # plant a typo of an earlier name
            earlier = rng.choice(names)
            cut = rng.randrange(1, len(earlier) - 1)
            name = earlier[:cut] + earlier[cut + 1:]
        if name in names or not name.replace(" ", "").isalpha():
            continue
        names.append(name)
        lines += [f"  {name}:", f"    description: The {name.lower()} event.", "    properties:"]
        lines += [f"      {w}: {{type: string, description: The {w}.}}"
                  for w in rng.sample(words, per_event - 3)]
        lines += [f"      {w}_id: {{}}" for w in rng.sample(library, 3)]
    return "\n".join(lines) + "\n", names


def every_pair(names: list[str]) -> list[tuple[int, int, str]]:
    found = []
    for index, name in enumerate(names):
        for position in range(index):
            earlier = names[position]
            if collision_key(earlier) == collision_key(name):
                continue
            why = near_duplicate(earlier, name)
            if why == "typo" and not _looks_like_typo(earlier, name):
                continue
            if why in ("typo", "plural"):
                found.append((index, position, why))
                break
    return found


def run_check(check: Check, ctx: LintContext) -> list[Diagnostic]:
    return list(check(ctx))


def clock(action: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    per_event = int(sys.argv[2]) if len(sys.argv) > 2 else 18
    text, names = build_plan(events, per_event)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(text, "utf-8")
        load_time, loaded = clock(lambda: load_plan_file(path))
    assert loaded.source is not None, loaded.diagnostics
    ctx = LintContext(loaded.file, loaded.data, loaded.source, loaded.plan, loaded.is_library)
    rule_times: dict[str, float] = {}
    for rule in all_rules():
        if rule.check is not None:
            rule_times[rule.code], _ = clock(partial(run_check, rule.check, ctx))
    rules_total = sum(rule_times.values())
    print(f"plan: {events} events x {per_event} properties, {len(text.splitlines())} lines")
    print(f"load (reference)      {load_time:8.2f} s")
    print(f"all lint rules        {rules_total:8.2f} s   ratio {rules_total / load_time:5.2f}x load")
    for code, seconds in sorted(rule_times.items(), key=lambda item: -item[1])[:5]:
        print(f"  {code}               {seconds:8.2f} s")
    naive_time, naive = clock(lambda: every_pair(names))
    fast_time, fast = clock(lambda: find_near_duplicates(names))
    assert naive == fast, "the candidate search disagrees with trying every pair"
    print(f"near-duplicate event names: {len(fast)} found by both methods")
    print(f"every pair (reference)  {naive_time:8.2f} s")
    print(f"candidate search        {fast_time:8.2f} s   {naive_time / fast_time:6.1f}x faster")


if __name__ == "__main__":
    main()
