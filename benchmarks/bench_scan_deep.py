"""``protocols scan`` on source nested far deeper than people write: seconds per file.

tree-sitter's query engine pays, for every node, in proportion to the node's depth, so a
file of deeply nested syntax (a chain of calls ``a.track(x).track(x)...``, ``1 + 1 + ...``,
``a.b.c...``, brackets in brackets, nested map literals) cost the square of its size. This
script writes one such file per shape and language (each under the 8 MiB that
``max_file_size`` may allow, with that limit set), scans each alone in a fresh process
(``scan_tree``, what ``protocols scan`` runs) with a time limit, and prints seconds, peak
memory, the calls found and the reading findings (PS004 marks a file whose deep part was
not searched). The reference is the same file's size: an 8 MiB file of flat calls takes the
scan about 18 s here, so a shape that costs far more per byte is the problem this measures.

    python benchmarks/bench_scan_deep.py
    python benchmarks/bench_scan_deep.py --root /tmp/old-checkout --limit 120   # before
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PLAN = Path(__file__).resolve().parent.parent / "plans" / "ecommerce.yaml"
N = 60_000
SHAPES = {
    "chain.js": "analytics" + '.track("A", {})' * N + ";\n",
    "chain.ts": "analytics" + '.track("A", {})' * N + ";\n",
    "chain.py": "analytics" + '.track("u", "A", {})' * N + "\n",
    "chain.java": "class A { void f() { analytics" + '.track("A")' * N + "; } }\n",
    "chain.kt": "fun f() { analytics" + '.track("A")' * N + " }\n",
    "chain.swift": "func f() { analytics" + '.track(name: "A")' * N + " }\n",
    "maps.go": "package main\nfunc f() {\n x := " + 'map[string]any{"a": ' * 34_000 + "1"
               + "}" * 34_000 + "\n _ = x\n}\n",
    "plus.js": "x = " + "1+" * 200_000 + "1;\nanalytics.track(\"A\", {});\n",
    "plus.py": "x = " + "1+" * 200_000 + "1\nanalytics.track(\"u\", \"A\", {})\n",
    "parens.js": "x = " + "(" * 100_000 + "1" + ")" * 100_000 + ";\n",
    "lists.py": "x = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "member.java": "class A { void f() { Object x = a" + ".b" * 200_000 + "; } }\n",
}

CHILD = """
import json, resource, sys, time
from protocols.plan import load_plan
from protocols.scan.run import scan_tree
from protocols.scan.settings import ScanSettings
plan = load_plan(sys.argv[1])
started = time.perf_counter()
outcome = scan_tree(plan, [sys.argv[2]], ScanSettings(max_file_size=8 * 1024 * 1024))
print(json.dumps({"seconds": round(time.perf_counter() - started, 2),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
                  "calls": sum(len(facts.calls) for facts in outcome.facts),
                  "findings": sorted({d.code for d in outcome.problems})}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="a checkout whose protocols/ is measured instead")
    parser.add_argument("--limit", type=float, default=120, help="seconds a file may take")
    options = parser.parse_args()
    env = dict(os.environ)
    if options.root:
        env["PYTHONPATH"] = options.root
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'file':<12} {'size':>9} {'seconds':>9} {'peak MB':>8} {'calls':>6}  findings")
        for name, text in SHAPES.items():
            folder = Path(scratch) / name.replace(".", "_")
            folder.mkdir()
            (folder / name).write_text(text, "utf-8")
            try:  # (in the scratch folder: ``-c`` puts the working folder first on the path)
                done = subprocess.run([sys.executable, "-c", CHILD, str(PLAN), str(folder)],
                                      capture_output=True, text=True, env=env, cwd=scratch,
                                      timeout=options.limit, check=True)
            except subprocess.TimeoutExpired:
                print(f"{name:<12} {len(text):>9,} {'>' + str(int(options.limit)):>9}"
                      "  (stopped)", flush=True)
                continue
            found = json.loads(done.stdout)
            print(f"{name:<12} {len(text):>9,} {found['seconds']:>9} {found['peak_mb']:>8} "
                  f"{found['calls']:>6}  {' '.join(found['findings']) or '-'}", flush=True)


if __name__ == "__main__":
    main()
