"""Validation throughput: the compiled engine against a hand-written jsonschema reference.

Generates a deterministic Segment-style log (track and identify messages of about 600 bytes
with a full ``context``, ~5% violating the plan) from plans/ecommerce.yaml, then measures in
the same run:

- reference: ``json.loads`` per line and a jsonschema ``Draft202012Validator`` (formats
  asserted) compiled once per event, collecting every error of each violating message;
- ours: ``fastjson.loads`` per line (msgspec), ``compile_validator`` per event, and a full
  ``Diagnostic`` (code, message, file:line, JSON path, plan location, event) built for every
  violation; optionally over several worker processes (``--workers``).

It measures the engine layer (parse + compiled check + diagnostics), the work the
``validate`` command's run loop delegates to. Both sides must find the same number of
violating messages, or the run fails. Memory: ``--memory`` streams logs of 200,000 and
1,000,000 messages through our path in a fresh subprocess each and reports its peak RSS.

    python benchmarks/bench_validate.py                 # 200,000 messages, 3 repeats
    python benchmarks/bench_validate.py --workers 2     # and our path on 2 processes
    python benchmarks/bench_validate.py --memory        # peak RSS at 200k and 1M messages
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import jsonschema

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.plan import load_plan
from protocols.plan.model import MessageSpec, Plan
from protocols.validate.check.engine import compile_validator
from protocols.validate.read import fastjson

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "plans" / "ecommerce.yaml"
OUT = REPO / "benchmarks" / "out"
MAX_EXAMPLES = 20  # kept per run, so memory stays flat however many violations there are


# -- the log ------------------------------------------------------------------------------------

def _context(rng: random.Random) -> dict[str, Any]:
    web = rng.random() < 0.6
    library = ({"name": "analytics.js", "version": "next-1.70.0"} if web else
               rng.choice([{"name": "analytics-ios", "version": "4.1.8"},
                           {"name": "analytics-android", "version": "4.11.3"},
                           {"name": "analytics-node", "version": "2.1.2"}]))
    path = rng.choice(["/", "/cart", "/checkout", "/products/sku-1234", "/search"])
    return {
        "library": library,
        "ip": f"203.0.113.{rng.randrange(1, 255)}",
        "locale": rng.choice(["en-US", "fr-FR", "de-DE", "en-GB"]),
        "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15",
        "page": {"path": path, "url": f"https://shop.example.com{path}",
                 "referrer": "https://www.search.example/"},
        "os": {"name": rng.choice(["macOS", "iOS", "Android"]), "version": "14.4"},
    }


def _product(rng: random.Random, index: int) -> dict[str, Any]:
    return {"product_id": f"p-{rng.randrange(10_000)}", "sku": f"SKU-{index:03d}",
            "name": rng.choice(["Mug", "T-shirt", "Poster"]),
            "price": round(rng.uniform(3, 80), 2), "quantity": rng.randrange(1, 4)}


def _payload(rng: random.Random, kind: str) -> tuple[str, dict[str, Any]]:
    if kind == "Product Added":
        product = _product(rng, 0)
        return "properties", {"cart_id": f"c-{rng.randrange(10**6)}", **product}
    if kind == "Order Completed":
        products = [_product(rng, i) for i in range(rng.randrange(1, 3))]
        return "properties", {"order_id": f"o-{rng.randrange(10**7)}",
                              "currency": rng.choice(["USD", "EUR", "GBP"]),
                              "total": round(sum(p["price"] for p in products), 2),
                              "products": products}
    return "traits", {"email": f"user{rng.randrange(10**5)}@example.com", "name": "Ada Lovelace"}


def _drop(name: str) -> Callable[[dict[str, Any]], None]:
    return lambda payload: payload.pop(name)


#: Ways a producer breaks each message, every one a schema violation of the plan.
BREAKAGES: dict[str, list[Callable[[dict[str, Any]], None]]] = {
    "Product Added": [
        lambda p: p.update(price=-1),                          # below minimum
        lambda p: p.update(quantity=0),                        # below minimum
        lambda p: p.update(product_id=1234),                   # wrong type
        _drop("cart_id"),                                      # required missing
    ],
    "Order Completed": [
        lambda p: p.update(total=str(p["total"])),             # wrong type
        lambda p: p.update(currency=978),                      # ISO number: wrong type
        lambda p: p["products"][0].update(price=-3.5),         # nested, below minimum
        _drop("order_id"),                                     # required missing
    ],
    "identify": [
        lambda p: p.update(email="ada.example.com"),           # format
        lambda p: p.update(name=42),                           # wrong type
        _drop("email"),                                        # required missing
    ],
}


def generate(path: Path, count: int, *, seed: int = 7, violating: float = 0.05,
             unplanned: float = 0.0) -> None:
    """Write ``count`` NDJSON messages; the same seed always writes the same bytes.

    ``violating`` of them break the plan (see BREAKAGES); ``unplanned`` of them also carry a
    property the plan does not define (a warning), with a value that is never repeated."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            kind = rng.choices(["Product Added", "Order Completed", "identify"], [40, 35, 25])[0]
            field, payload = _payload(rng, kind)
            if rng.random() < violating:
                rng.choice(BREAKAGES[kind])(payload)
            if unplanned and rng.random() < unplanned:
                payload[f"note_{rng.randrange(50)}"] = f"n-{number}"
            message: dict[str, Any] = {"type": "identify" if kind == "identify" else "track"}
            if kind != "identify":
                message["event"] = kind
            message.update({
                field: payload, "anonymousId": str(uuid.UUID(int=rng.getrandbits(128))),
                "userId": None if rng.random() < 0.5 else f"user-{rng.randrange(10**5)}",
                "messageId": f"ajs-next-{number:012d}",
                "timestamp": f"2026-11-{rng.randrange(1, 29):02d}T12:{number % 60:02d}:00.000Z",
                "context": _context(rng), "integrations": {},
            })
            out.write(json.dumps(message, separators=(",", ":")) + "\n")


def log_file(count: int) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"log-{count}.ndjson"
    if not path.exists():
        generate(path, count)
    return path


# -- the two paths ------------------------------------------------------------------------------

def _key(message: Any) -> tuple[str, str | None]:
    kind = message.get("type") if isinstance(message, dict) else None
    return (str(kind), message.get("event") if kind == "track" else None)


def _specs(plan: Plan) -> dict[tuple[str, str | None], MessageSpec]:
    return {(spec.kind, spec.name if spec.kind == "track" else None): spec
            for spec in plan.messages()}


class ReferencePath:
    """json.loads + jsonschema compiled once per event; every error of violating messages."""

    def __init__(self) -> None:
        plan = load_plan(PLAN)
        cls = jsonschema.Draft202012Validator
        self.validators = {key: cls(plan.message_schema(spec), format_checker=cls.FORMAT_CHECKER)
                           for key, spec in _specs(plan).items()}

    def run(self, lines: Iterable[bytes]) -> tuple[int, int]:
        validators = self.validators
        messages = invalid = 0
        examples: list[Any] = []
        for line in lines:
            message = json.loads(line)
            messages += 1
            errors = list(validators[_key(message)].iter_errors(message))
            if errors:
                invalid += 1
                if len(examples) < MAX_EXAMPLES:
                    examples.append(errors)
        return messages, invalid


class OurPath:
    """fastjson + compile_validator once per event; a Diagnostic for every violation."""

    def __init__(self) -> None:
        plan = load_plan(PLAN)
        self.specs = _specs(plan)
        self.checks = {key: compile_validator(plan.message_schema(spec))
                       for key, spec in self.specs.items()}

    def run(self, lines: Iterable[bytes], file: str = "log.ndjson",
            first_line: int = 1) -> tuple[int, int]:
        loads, checks, specs = fastjson.loads, self.checks, self.specs
        messages = invalid = 0
        codes: Counter[str] = Counter()
        examples: list[Diagnostic] = []
        for number, line in enumerate(lines, start=first_line):
            message = loads(line)
            messages += 1
            key = _key(message)
            found = checks[key](message)
            if not found:
                continue
            invalid += 1
            spec = specs[key]
            for violation in found:
                where = spec.locate(violation.schema_path[2:])  # past properties.<payload>
                diagnostic = Diagnostic(
                    "PV" + violation.keyword, violation.keyword, Severity.ERROR,
                    violation.message, file, number, 1,
                    path=format_path(violation.instance_path), event=spec.label, related=where)
                codes[diagnostic.code] += 1
                if len(examples) < MAX_EXAMPLES:
                    examples.append(diagnostic)
        return messages, invalid


def run_reference(path: Path) -> tuple[int, int]:
    with path.open("rb") as lines:
        return ReferencePath().run(lines)


def run_ours(path: Path) -> tuple[int, int]:
    with path.open("rb") as lines:
        return OurPath().run(lines, str(path))


def _chunk(job: tuple[str, int, int]) -> tuple[int, int]:
    name, start, end = job
    with open(name, "rb") as handle:
        if start:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                handle.readline()  # the line that straddles the boundary belongs to the previous chunk

        def lines() -> Iterator[bytes]:
            while handle.tell() < end:
                line = handle.readline()
                if not line:
                    return
                yield line

        # Line numbers per chunk are offsets; a real run would count lines per chunk first.
        return OurPath().run(lines(), name)


def run_ours_parallel(path: Path, workers: int) -> tuple[int, int]:
    size = path.stat().st_size
    bounds = [size * i // (workers * 4) for i in range(workers * 4 + 1)]
    jobs = [(str(path), bounds[i], bounds[i + 1]) for i in range(workers * 4)]
    with Pool(workers) as pool:
        results = pool.map(_chunk, jobs)
    return sum(r[0] for r in results), sum(r[1] for r in results)


def timed(run: Callable[[], tuple[int, int]]) -> tuple[float, int, int]:
    started = time.perf_counter()
    messages, invalid = run()
    return time.perf_counter() - started, messages, invalid


# -- reports ------------------------------------------------------------------------------------

def _slices(path: Path, parts: int) -> list[tuple[int, int]]:
    """Byte ranges of ``parts`` runs of whole lines."""
    size = path.stat().st_size
    bounds = [0]
    with path.open("rb") as handle:
        for part in range(1, parts):
            handle.seek(size * part // parts)
            handle.readline()
            bounds.append(handle.tell())
    bounds.append(size)
    return list(itertools.pairwise(bounds))


def _read(path: Path, start: int, end: int) -> list[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(end - start).splitlines()


def interleaved(path: Path, parts: int = 10) -> tuple[float, float, int, int]:
    """Seconds of the reference and of ours over the whole log, measured slice by slice.

    The two paths alternate on each slice of the log (reading the slice is timed for both),
    so a change in the machine's load during the run hits both alike.
    """
    started = time.perf_counter()
    reference = ReferencePath()
    ref_time = time.perf_counter() - started
    started = time.perf_counter()
    ours = OurPath()
    our_time = time.perf_counter() - started
    totals = [0, 0, 0, 0]
    for index, (start, end) in enumerate(_slices(path, parts)):
        for name in ("ref", "ours") if index % 2 == 0 else ("ours", "ref"):
            begun = time.perf_counter()
            lines = _read(path, start, end)
            messages, invalid = reference.run(lines) if name == "ref" else \
                ours.run(lines, str(path))
            elapsed = time.perf_counter() - begun
            if name == "ref":
                ref_time += elapsed
                totals[0] += messages
                totals[1] += invalid
            else:
                our_time += elapsed
                totals[2] += messages
                totals[3] += invalid
    assert totals[:2] == totals[2:], f"reference found {totals[:2]}, ours {totals[2:]}"
    return ref_time, our_time, totals[0], totals[1]


def speed(count: int, repeats: int, workers: int) -> None:
    path = log_file(count)
    sizes = path.stat().st_size / count
    print(f"log: {path.name}, {count:,} messages, {sizes:.0f} bytes/message on average")
    print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, "
          f"json backend {fastjson.BACKEND}, load average {os.getloadavg()[0]:.2f}")
    rows: dict[str, list[float]] = {"reference": [], "ours": [], "ratio": []}
    if workers > 1:
        rows.update({f"ours x{workers}": [], f"ratio x{workers}": []})
    for attempt in range(1, repeats + 1):
        ref_time, our_time, messages, invalid = interleaved(path)
        rows["reference"].append(messages / ref_time)
        rows["ours"].append(messages / our_time)
        rows["ratio"].append(ref_time / our_time)
        line = (f"run {attempt}: reference {messages / ref_time:,.0f} msg/s, "
                f"ours {messages / our_time:,.0f} msg/s ({ref_time / our_time:.1f}x); "
                f"{invalid:,} invalid")
        if workers > 1:
            par_time, par_messages, par_invalid = timed(lambda: run_ours_parallel(path, workers))
            assert (par_messages, par_invalid) == (messages, invalid)
            rows[f"ours x{workers}"].append(par_messages / par_time)
            rows[f"ratio x{workers}"].append(ref_time / par_time)
            line += f"; ours on {workers} processes {par_messages / par_time:,.0f} msg/s " \
                    f"({ref_time / par_time:.1f}x against this run's reference)"
        print(line + f"; load average {os.getloadavg()[0]:.2f}", flush=True)
    print("median: " + ", ".join(
        f"{name} {statistics.median(values):,.1f}" + ("x" if "ratio" in name else " msg/s")
        for name, values in rows.items()))


def stream(path: Path) -> None:
    """Run our path over one log and print peak RSS (used in a fresh subprocess)."""
    started = time.perf_counter()
    messages, invalid = run_ours(path)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"messages": messages, "invalid": invalid, "seconds": round(elapsed, 1),
                      "peak_rss_mb": round(peak_kib / 1024, 1)}))


def memory(counts: list[int]) -> None:
    for count in counts:
        path = log_file(count)
        result = subprocess.run([sys.executable, __file__, "--stream", str(path)],
                                capture_output=True, text=True, check=True)
        found = json.loads(result.stdout)
        print(f"{count:>9,} messages ({path.stat().st_size / 1e6:,.0f} MB): peak RSS "
              f"{found['peak_rss_mb']} MB, {found['invalid']:,} invalid, {found['seconds']} s",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--memory", action="store_true",
                        help="peak RSS of our path streaming 200k and 1M messages")
    parser.add_argument("--stream", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.stream:
        stream(options.stream)
    elif options.memory:
        memory([200_000, 1_000_000])
    else:
        speed(options.messages, options.repeats, options.workers)


if __name__ == "__main__":
    main()
