"""``protocols scan`` on a generated 10,000-file tree: files per second and peak memory.

The tree is shaped like a product monorepo: TypeScript/TSX web code, a Python backend,
Kotlin and Java Android code, Swift iOS code, Go services and a little JavaScript, with
ordinary code around the tracking calls (imports, classes, loops, HTTP calls), constants
files imported across files, high-cardinality literal values, and non-source files (docs,
JSON, images) that the walk must account for. The generator knows every tracking call it
wrote; the benchmark checks the scan found exactly that many.

References, measured in the same run on the same tree:
- parse only: read every source file and parse it with the same tree-sitter grammars, the
  floor of any scanner that works on syntax trees;
- regex: one regular expression for ``.track(`` per file, what regex-based status commands do
  (it cannot resolve constants, see wrappers, check payloads or skip comments).

Peak memory is the maximum resident set of a separate process running the scan (and, as a
baseline, of one that only imports protocols and loads the plan).

    python benchmarks/bench_scan.py                  # 10,000 files, median of 3
    python benchmarks/bench_scan.py --files 2000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Outside the repository: benchmarks/out/ is in .gitignore, which the scan honours.
OUT = Path(tempfile.gettempdir()) / "protocols-bench"
PLAN = REPO / "plans" / "ecommerce.yaml"

_EVENTS = ["Order Completed", "Product Viewed", "Product Added", "Cart Viewed",
           "Checkout Started", "Products Searched", "Coupon Applied", "Product Clicked"]
# (language, extension, share of the source files)
_MIX = [("typescript", ".ts", 20), ("tsx", ".tsx", 15), ("python", ".py", 25),
        ("kotlin", ".kt", 10), ("swift", ".swift", 10), ("java", ".java", 8), ("go", ".go", 7),
        ("javascript", ".js", 5)]


def _props(rng: random.Random) -> list[tuple[str, str]]:
    """A few properties with high-cardinality values, as (key, JSON literal)."""
    keys = ["order_id", "product_id", "cart_id", "sku", "name", "price", "currency", "query"]
    chosen = rng.sample(keys, rng.randint(1, 4))
    out = []
    for key in chosen:
        if key == "price":
            out.append((key, f"{rng.randint(1, 99999) / 100}"))
        elif key == "currency":
            out.append((key, json.dumps(rng.choice(["USD", "EUR", "GBP"]))))
        else:
            out.append((key, json.dumps(f"{key[:3]}-{rng.getrandbits(48):x}")))
    return out


def _filler(lang: str, rng: random.Random, index: int) -> list[str]:
    """Ordinary code: functions with loops, string handling and calls that are not tracking."""
    lines = []
    for n in range(rng.randint(4, 9)):
        if lang == "python":
            lines += [f"def helper_{index}_{n}(items, client):", "    total = 0",
                      "    for item in items:", "        if item.get('price'):",
                      "            total += item['price'] * item.get('quantity', 1)",
                      f"    client.post('/api/v{n}/items', json={{'total': total}})",
                      "    m = PATTERN.match(str(total))", "    return m.group(1) if m else None", ""]
        elif lang in ("typescript", "tsx", "javascript"):
            params = "items, client" if lang == "javascript" else "items: any[], client: any"
            lines += [f"export function helper{index}x{n}({params}) {{",
                      "  let total = 0;", "  for (const item of items) {",
                      "    total += (item.price ?? 0) * (item.quantity ?? 1);", "  }",
                      f"  return client.post(`/api/v{n}/items`, {{ total, at: Date.now() }});",
                      "}", ""]
        elif lang == "kotlin":
            lines += [f"fun helper{index}x{n}(items: List<Item>, client: Http): Double {{",
                      "    var total = 0.0", "    for (item in items) {",
                      "        total += item.price * item.quantity", "    }",
                      f"    client.post(\"/api/v{n}/items\", mapOf(\"total\" to total))",
                      "    return total", "}", ""]
        elif lang == "swift":
            lines += [f"func helper{index}x{n}(items: [Item], client: Http) -> Double {{",
                      "    var total = 0.0", "    for item in items {",
                      "        total += item.price * Double(item.quantity)", "    }",
                      f"    client.post(\"/api/v{n}/items\", body: [\"total\": total])",
                      "    return total", "}", ""]
        elif lang == "java":
            lines += [f"  static double helper{index}x{n}(List<Item> items, Http client) {{",
                      "    double total = 0;", "    for (Item item : items) {",
                      "      total += item.price * item.quantity;", "    }",
                      f"    client.post(\"/api/v{n}/items\", Map.of(\"total\", total));",
                      "    return total;", "  }", ""]
        else:
            lines += [f"func helper{index}x{n}(items []Item, client *Http) float64 {{",
                      "\ttotal := 0.0", "\tfor _, item := range items {",
                      "\t\ttotal += item.Price * float64(item.Quantity)", "\t}",
                      f"\tclient.Post(\"/api/v{n}/items\", map[string]any{{\"total\": total}})",
                      "\treturn total", "}", ""]
    return lines


def _call(lang: str, event: str, props: list[tuple[str, str]], constant: str | None) -> str:
    name = constant or json.dumps(event)
    if lang == "python":
        body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in props)
        return f"    analytics.track(user_id, {name}, {{{body}}})"
    if lang in ("typescript", "tsx", "javascript"):
        body = ", ".join(f"{k}: {v}" for k, v in props)
        return f"  analytics.track({name}, {{ {body} }});"
    if lang == "kotlin":
        body = "; ".join(f"put({json.dumps(k)}, {v})" for k, v in props)
        return f"    analytics.track({name}, buildJsonObject {{ {body} }})"
    if lang == "swift":
        body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in props)
        return f"    analytics.track(name: {name}, properties: [{body}])"
    if lang == "java":
        body = ", ".join(f"{json.dumps(k)}, {v}" for k, v in props)
        return (f"    analytics.enqueue(TrackMessage.builder({name}).userId(userId)"
                f".properties(Map.of({body})));")
    body = ", ".join(f"{json.dumps(k)}: {v}" for k, v in props)
    return f"\tclient.Enqueue(analytics.Track{{UserId: userID, Event: {name}, Properties: analytics.Properties{{{body}}}}})"


def _source(lang: str, rng: random.Random, index: int) -> tuple[str, int]:
    """One source file and the number of tracking calls in it."""
    calls = rng.choice([0, 0, 1, 1, 2, 3, 4])
    constant = f"EVENT_{index}"
    event = rng.choice(_EVENTS)
    body = _filler(lang, rng, index)
    tracked = [_call(lang, rng.choice(_EVENTS), _props(rng), constant if n == 0 else None)
               for n in range(calls)]
    if lang == "python":
        head = ["import re", "import segment.analytics as analytics", "",
                "PATTERN = re.compile(r'(\\d+)')", f"{constant} = {json.dumps(event)}", "",
                "# analytics.track(user_id, 'Commented Out')", ""]
        return "\n".join([*head, *body, "def send(user_id):", *tracked, "    return None",
                          ""]), calls
    if lang in ("typescript", "tsx", "javascript"):
        head = ['import { AnalyticsBrowser } from "@segment/analytics-next";',
                f"const {constant} = {json.dumps(event)};",
                'const analytics = AnalyticsBrowser.load({ writeKey: "k" });',
                '// analytics.track("Commented Out")', ""]
        tail = ["export function send() {", *tracked, "}"]
        if lang == "tsx":
            tail += ["export const View = () => <div className=\"x\">{String(1)}</div>;"]
        return "\n".join([*head, *body, *tail, ""]), calls
    if lang == "kotlin":
        head = [f"package shop.f{index}", "", "import kotlinx.serialization.json.buildJsonObject",
                "", f"const val {constant} = {json.dumps(event)}", ""]
        return "\n".join([*head, *body, "fun send(analytics: Analytics) {", *tracked, "}", ""]), calls
    if lang == "swift":
        head = ["import Segment", "", f"let {constant} = {json.dumps(event)}", ""]
        return "\n".join([*head, *body, "func send(analytics: Analytics) {", *tracked, "}", ""]), calls
    if lang == "java":
        head = [f"package shop.f{index};", "", "import java.util.Map;", "",
                f"public class F{index} {{", f"  static final String {constant} = {json.dumps(event)};"]
        return "\n".join([*head, *body, "  void send(Analytics analytics, String userId) {",
                          *tracked, "  }", "}", ""]), calls
    head = ["package main", "", 'import analytics "github.com/segmentio/analytics-go/v3"', "",
            f"const {constant} = {json.dumps(event)}", ""]
    return "\n".join([*head, *body, "func send(client analytics.Client, userID string) {",
                      *tracked, "}", ""]), calls


def make_tree(root: Path, files: int, seed: int = 15) -> tuple[int, int]:
    """Write the tree (once per size and seed); returns (source files, tracking calls)."""
    marker = root / ".made"
    if marker.exists():
        made = json.loads(marker.read_text("utf-8"))
        return made["sources"], made["calls"]
    rng = random.Random(seed)
    (root / ".gitignore").write_text("*.png\n/build/\n", "utf-8")
    weights = [share for *_, share in _MIX]
    sources = calls = 0
    for index in range(files):
        folder = root / f"pkg{index // 100:03d}" / f"mod{index % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 10 == 9:  # docs, data and images beside the code
            kind = rng.choice([".md", ".json", ".png"])
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(512) if kind == ".png" else \
                f"# notes {index}\n".encode()
            (folder / f"f{index}{kind}").write_bytes(data)
            continue
        lang, ext, _ = rng.choices(_MIX, weights)[0]
        text, count = _source(lang, rng, index)
        (folder / f"f{index}{ext}").write_text(text, "utf-8")
        sources += 1
        calls += count
    marker.write_text(json.dumps({"sources": sources, "calls": calls}), "utf-8")
    return sources, calls


_SCAN = """
import json, sys, time
from protocols.plan import load_plan
from protocols.scan import ScanSettings, run_scan
plan = load_plan(sys.argv[1])
started, cpu = time.perf_counter(), time.process_time()
result = run_scan(plan, [sys.argv[2]], ScanSettings()) if sys.argv[3] == "scan" else None
elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
summary = dict(result.summary) if result is not None else {}
print(json.dumps({"seconds": elapsed, "cpu": cpu, "files": summary.get("files"),
                  "calls": summary.get("calls"), "skipped": summary.get("skipped")}))
"""

_PARSE_ONLY = """
import json, os, sys, time
from protocols.scan.languages import language_of, parser
started, cpu = time.perf_counter(), time.process_time()
files = 0
for folder, _, names in os.walk(sys.argv[1]):
    for name in sorted(names):
        language = language_of(name)
        if language is None:
            continue
        with open(os.path.join(folder, name), "rb") as handle:
            parser(language).parse(handle.read())
        files += 1
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "files": files}))
"""

_REGEX = """
import json, os, re, sys, time
from protocols.scan.languages import language_of
pattern = re.compile(rb"\\.track\\(|TrackMessage\\.builder\\(|\\.Track\\{")
started, cpu = time.perf_counter(), time.process_time()
files = hits = 0
for folder, _, names in os.walk(sys.argv[1]):
    for name in sorted(names):
        if language_of(name) is None:
            continue
        with open(os.path.join(folder, name), "rb") as handle:
            hits += len(pattern.findall(handle.read()))
        files += 1
print(json.dumps({"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "files": files, "hits": hits}))
"""


def _peak_of(script: str, *args: str) -> tuple[dict[str, float], float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    answer = json.loads(subprocess.run([sys.executable, "-c", script, *args], check=True,
                                       capture_output=True, cwd=REPO,
                                       env={**os.environ, "PYTHONPATH": str(REPO)}).stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return answer, max(after, before) / 1024


def measure(files: int, repeat: int) -> dict[str, object]:
    root = OUT / f"scan-tree-{files}"
    root.mkdir(parents=True, exist_ok=True)
    sources, calls = make_tree(root, files)
    scan_times, parse_times, regex_times = [], [], []
    # CPU seconds of each process too: on a machine shared with other work the wall clock
    # moves with the load from run to run, the CPU time much less.
    scan_cpu, parse_cpu, regex_cpu = [], [], []
    scan_answer: dict[str, float] = {}
    for _ in range(repeat):  # alternate, so a change in the machine's load hits all alike
        parse_answer, _ = _peak_of(_PARSE_ONLY, str(root))
        parse_times.append(parse_answer["seconds"])
        parse_cpu.append(parse_answer["cpu"])
        regex_answer, _ = _peak_of(_REGEX, str(root))
        regex_times.append(regex_answer["seconds"])
        regex_cpu.append(regex_answer["cpu"])
        scan_answer, _ = _peak_of(_SCAN, str(PLAN), str(root), "scan")
        scan_times.append(scan_answer["seconds"])
        scan_cpu.append(scan_answer["cpu"])
        assert scan_answer["files"] == sources == parse_answer["files"], (scan_answer, sources)
        assert scan_answer["calls"] == calls, (scan_answer, calls)
    # Peak memory: each in its own process (ru_maxrss of children is a maximum over all).
    memory = {}
    for label, args in (("baseline", (str(PLAN), str(root), "load")),
                        ("scan", (str(PLAN), str(root), "scan"))):
        process = subprocess.run([sys.executable, "-c",
                                  "import resource, runpy, sys; sys.argv = ['x', *sys.argv[1:]]; "
                                  f"exec({_SCAN!r}); "
                                  "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
                                  "file=sys.stderr)", *args],
                                 check=True, capture_output=True, cwd=REPO, text=True,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
        memory[label] = int(process.stderr.strip().splitlines()[-1]) / 1024
    scan_s, parse_s, regex_s = (statistics.median(t) for t in (scan_times, parse_times,
                                                                regex_times))
    return {
        "files": files, "source_files": sources, "tracking_calls": calls,
        "scan_seconds": round(scan_s, 2), "scan_files_per_second": round(sources / scan_s),
        "parse_only_seconds": round(parse_s, 2),
        "parse_only_files_per_second": round(sources / parse_s),
        "regex_seconds": round(regex_s, 3),
        "scan_over_parse_only": round(scan_s / parse_s, 2),
        "scan_over_regex": round(scan_s / regex_s, 1),
        "cpu_seconds": {"scan": round(statistics.median(scan_cpu), 2),
                        "parse_only": round(statistics.median(parse_cpu), 2),
                        "regex": round(statistics.median(regex_cpu), 3)},
        "scan_over_parse_only_cpu": round(statistics.median(scan_cpu)
                                          / statistics.median(parse_cpu), 2),
        "peak_rss_mib": {k: round(v) for k, v in memory.items()},
        "python": platform.python_version(), "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    print(json.dumps(measure(args.files, args.repeat), indent=2))
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
