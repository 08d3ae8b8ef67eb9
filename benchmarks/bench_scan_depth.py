"""``protocols scan`` on hostile, deeply nested source files: seconds per file, every language.

Each shape is one file of a given size (1 MiB, the default ``max_file_size``, or up to the
8 MiB ceiling) made of one construct nested as deep as the size allows (or, with
``--depth``, nested that deep again and again): calls as arguments of calls, chained calls,
member chains, object/map/dictionary literals, arrays, parentheses, functions, closures and
blocks, operator chains (nested without a bracket), nested classes; a few wide shapes (tens
of thousands of siblings, each holding a call: the extractors step to a call's parent); and
flat calls, one a line, as the reference. Each file is scanned (``run_scan``, what
``protocols scan`` runs, with the test plan) in its own process, killed after ``--timeout``
seconds; one JSON line per shape gives the seconds, the calls found, the reading findings
(PS0xx) and the peak memory of that process. ``--root`` measures another checkout's code.

    python benchmarks/bench_scan_depth.py                        # every shape, 1 MiB
    python benchmarks/bench_scan_depth.py --size 8 --timeout 60  # 8 MiB files
    python benchmarks/bench_scan_depth.py --only js --only go     # shapes whose label has js/go
    python benchmarks/bench_scan_depth.py --size 8 --depth 500    # nests of 500, repeated
    python benchmarks/bench_scan_depth.py --root /tmp/old-checkout --timeout 60   # before
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "tests" / "scan" / "plan.yaml"
OUT = Path(tempfile.gettempdir()) / "protocols-bench-depth"

EV = '"Order Completed"'
# label -> (extension, prefix, opening, core, closing, suffix): the file is prefix,
# opening n times, core, closing n times, suffix, with n as large as the size allows.
SHAPES: dict[str, tuple[str, str, str, str, str, str]] = {
    # The reference: flat calls, one a line (what any file of calls costs per byte)
    "js flat": (".js", "", "", "", f"analytics.track({EV});\n", ""),
    "py flat": (".py", "", "", "", f"analytics.track(u, {EV})\n", ""),
    # JavaScript / TypeScript
    "js calls": (".js", "", f"analytics.track({EV}, ", "1", ")", ";\n"),
    "js chain": (".js", "analytics", "", "", f".track({EV})", ";\n"),
    "js members": (".js", "", "", "analytics" + ".a" * 1, ".a", f".track({EV});\n"),
    "js objects": (".js", f"analytics.track({EV}, ", "{a: ", "1", "}", ");\n"),
    "js arrays": (".js", f"analytics.track({EV}, ", "[", "1", "]", ");\n"),
    "js parens": (".js", f"analytics.track({EV}, ", "(", "1", ")", ");\n"),
    "js functions": (".js", "", "function f(x) { ", f"analytics.track({EV});", "}", "\n"),
    "js arrows": (".js", "const g = ", "x => ", f"analytics.track({EV})", "", ";\n"),
    "js blocks": (".js", "", "{ ", f"analytics.track({EV});", "}", "\n"),
    "js ifs": (".js", "", "if (x) ", f"analytics.track({EV});", "", "\n"),
    "js wide arrows": (".js", "const a = [", "", "", f"() => analytics.track({EV}), ", "];\n"),
    "js binary": (".js", f"analytics.track({EV}, ", "1 + ", "1", "", ");\n"),
    "ts calls": (".ts", "", f"analytics.track({EV}, ", "1", ")", ";\n"),
    "ts as": (".ts", f"analytics.track({EV}, ", "(", "1", " as any)", ");\n"),
    "tsx elements": (".tsx", "const e = ", "<div>", f"{{analytics.track({EV})}}", "</div>",
                     ";\n"),
    # Python
    "py calls": (".py", "", f"analytics.track(u, {EV}, ", "1", ")", "\n"),
    "py chain": (".py", "analytics", "", "", f".track(u, {EV})", "\n"),
    "py dicts": (".py", f"analytics.track(u, {EV}, ", "{'a': ", "1", "}", ")\n"),
    "py lists": (".py", f"analytics.track(u, {EV}, ", "[", "1", "]", ")\n"),
    "py parens": (".py", f"analytics.track(u, {EV}, ", "(", "1", ")", ")\n"),
    "py lambdas": (".py", "g = ", "lambda: ", f"analytics.track(u, {EV})", "", "\n"),
    "py wide clients": (".py", "x = [", "", "", "ProtocolsClient(a), ", "]\n"),
    "py binary": (".py", f"analytics.track(u, {EV}, ", "1 + ", "1", "", ")\n"),
    "py client": (".py", "tracking = ", "f(", "ProtocolsClient(a)", ")", "\n"),
    # Go
    "go maps": (".go", "package p\nvar m = analytics.Track{Event: " + EV + ", Properties: ",
                'map[string]interface{}{"a": ', "1", "}", "}\n"),
    "go messages": (".go", "package p\nvar m = ",
                    "analytics.Track{Event: " + EV + ", Properties: analytics.Properties{\"a\": ",
                    "1", "}}", "\n"),
    "go calls": (".go", "package p\nfunc f() {\n", "t.OrderCompleted(c, ", "1", ")", "\n}\n"),
    "go chain": (".go", "package p\nfunc f() {\nt", "", "", ".OrderCompleted(c, p)", "\n}\n"),
    "go setters": (".go", "package p\nvar m = analytics.Track{Event: " + EV +
                   ", Properties: analytics.NewProperties()", "", "", '.Set("a", 1)', "}\n"),
    "go parens": (".go", "package p\nvar m = analytics.Track{Event: " + EV + ", Properties: ",
                  "(", "1", ")", "}\n"),
    "go funcs": (".go", "package p\nvar g = ", "func() { ",
                 "x := analytics.Track{Event: " + EV + "}; _ = x", " }", "\n"),
    "go binary": (".go", "package p\nvar m = analytics.Track{Event: " + EV + ", Properties: ",
                  "1 + ", "1", "", "}\n"),
    # Java
    "java calls": (".java", "class A { void f() {\n", f"analytics.track({EV}, ", "1", ")",
                   ";\n} }\n"),
    "java chain": (".java", "class A { void f() {\nanalytics", "", "", f".track({EV})",
                   ";\n} }\n"),
    "java builder": (".java", "class A { void f() {\nTrackMessage.builder(" + EV + ")", "",
                     "", ".properties(m)", ";\n} }\n"),
    "java maps": (".java", f"class A {{ void f() {{\nanalytics.track({EV}, ", 'Map.of("a", ',
                  "1", ")", ");\n} }\n"),
    "java parens": (".java", f"class A {{ void f() {{\nanalytics.track({EV}, ", "(", "1", ")",
                    ");\n} }\n"),
    "java lambdas": (".java", "class A { void f() {\nRunnable r = ", "() -> ",
                     f"analytics.track({EV})", "", ";\n} }\n"),
    "java blocks": (".java", "class A { void f() {\n", "{ ", f"analytics.track({EV});", "}",
                    "\n} }\n"),
    "java classes": (".java", "", "class A { ", f"static final String E = {EV};", "}", "\n"),
    "java wide builders": (".java", "class A { Object[] a = {", "", "",
                           f"TrackMessage.builder({EV}), ", "}; }\n"),
    "java binary": (".java", f"class A {{ void f() {{\nanalytics.track({EV}, ", "1 + ", "1",
                    "", ");\n} }\n"),
    # Kotlin
    "kt calls": (".kt", "fun f() {\n", f"analytics.track({EV}, ", "1", ")", "\n}\n"),
    "kt chain": (".kt", "fun f() {\nanalytics", "", "", f".track({EV})", "\n}\n"),
    "kt maps": (".kt", f"fun f() {{\nanalytics.track({EV}, ", 'mapOf("a" to ', "1", ")",
                ")\n}\n"),
    "kt puts": (".kt", f"fun f() {{\nanalytics.track({EV}, buildJsonObject {{ ",
                'putJsonObject("o") { ', 'put("a", 1)', " }", " })\n}\n"),
    "kt lambdas": (".kt", "fun f() {\n", "run { ", f"analytics.track({EV})", " }", "\n}\n"),
    "kt parens": (".kt", f"fun f() {{\nanalytics.track({EV}, ", "(", "1", ")", ")\n}\n"),
    "kt objects": (".kt", "", "object A {\n", f"const val E = {EV}\n", "}\n", ""),
    "kt binary": (".kt", f"fun f() {{\nanalytics.track({EV}, ", "1 + ", "1", "", ")\n}\n"),
    # Swift
    "swift calls": (".swift", "", f"analytics.track(name: {EV}, properties: ", "1", ")", "\n"),
    "swift chain": (".swift", "analytics", "", "", f".track(name: {EV})", "\n"),
    "swift dicts": (".swift", f"analytics.track(name: {EV}, properties: ", '["a": ', "1", "]",
                    ")\n"),
    "swift arrays": (".swift", f"analytics.track(name: {EV}, properties: ", "[", "1", "]",
                     ")\n"),
    "swift closures": (".swift", "let g = ", "{ ", f"analytics.track(name: {EV})", " }", "\n"),
    "swift classes": (".swift", "", "class A { ", f"static let e = {EV}", " }", "\n"),
    "swift binary": (".swift", f"analytics.track(name: {EV}, properties: ", "1 + ", "1", "",
                     ")\n"),
}

_SCAN = """
import json, resource, sys, time
from protocols.plan import load_plan
from protocols.scan import ScanSettings, run_scan
plan = load_plan(sys.argv[1])
started = time.perf_counter()
result = run_scan(plan, [sys.argv[2]], ScanSettings(max_file_size=8 * 1024 * 1024))
seconds = time.perf_counter() - started
codes = {}
for d in result.diagnostics:
    if d.code.startswith("PS0"):
        codes[d.code] = codes.get(d.code, 0) + 1
print(json.dumps({"seconds": seconds, "calls": result.summary["calls"], "codes": codes,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
"""


def build(label: str, size: int, depth: int = 0) -> tuple[Path, int]:
    """The file of a shape: one nest as deep as ``size`` allows, or (``depth``) nests of
    ``depth`` levels one after the other up to ``size``."""
    extension, prefix, opening, core, closing, suffix = SHAPES[label]
    n = (size - len(prefix) - len(core) - len(suffix)) // (len(opening) + len(closing))
    path = OUT / f"{label.replace(' ', '-')}-{size}-{depth}{extension}"
    OUT.mkdir(parents=True, exist_ok=True)
    if depth and depth < n:
        block = prefix + opening * depth + core + closing * depth + suffix
        n = depth
        path.write_text(block * max(1, size // len(block)), "utf-8")
    else:
        path.write_text(prefix + opening * n + core + closing * n + suffix, "utf-8")
    return path, n


def measure(label: str, size: int, timeout: float, depth: int = 0,
            root: Path = REPO) -> dict[str, object]:
    path, n = build(label, size, depth)
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _SCAN, str(PLAN), str(path)],
                              capture_output=True, text=True, timeout=timeout, cwd=root,
                              env={**os.environ, "PYTHONPATH": str(root)})
    except subprocess.TimeoutExpired:
        return {"shape": label, "n": n, "seconds": f"> {timeout:g}", "calls": "-",
                "codes": "killed"}
    finally:
        path.unlink(missing_ok=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"shape": label, "n": n, "seconds": round(time.perf_counter() - started, 1),
                "calls": "-", "codes": f"crashed: {last[:80]}"}
    answer = json.loads(done.stdout)
    return {"shape": label, "n": n, "seconds": round(answer["seconds"], 2),
            "calls": answer["calls"], "codes": answer["codes"], "rss_mib": answer["rss_mib"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=1.0, help="MiB per file (at most 8)")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--depth", type=int, default=0,
                        help="nest this deep, again and again up to the size (default: once, "
                             "as deep as the size allows)")
    parser.add_argument("--root", type=Path, default=REPO,
                        help="a checkout whose protocols/ is measured instead")
    parser.add_argument("--only", action="append", default=[],
                        help="run the shapes whose label contains this (repeatable)")
    args = parser.parse_args()
    size = int(min(args.size, 8.0) * 1024 * 1024)
    for label in SHAPES:
        if args.only and not any(part in label for part in args.only):
            continue
        print(json.dumps(measure(label, size, args.timeout, args.depth, args.root)), flush=True)


if __name__ == "__main__":
    main()
