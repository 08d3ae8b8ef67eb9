"""``validate --jobs N``: the same run on N worker processes, with the same result.

Each plain NDJSON file is cut into byte ranges that end at line ends (the line number where
each starts is counted first, so findings keep their file:line); other inputs (gzip, JSON
documents) are one piece each. Workers validate pieces with their own copy of the
:class:`~protocols.validate.check.checker.Validator` (it pickles) and send back what a run keeps:
counts, capped examples, drift counts, and quarantine output written to temporary files.
The parent merges them in input order, so summaries, examples, the drift report and the
good/bad files are those of ``--jobs 1``.

Caps make that exactness conditional: when a piece reaches one (more than 1,000 event
names counted, 100 sources, ...), what it dropped depends on the order of the whole input,
so the parent throws the pieces away and runs the input again on one process; so it does
when a worker dies (killed, out of memory). Memory stays flat: pieces are merged as they
arrive, in order, a few pieces ahead at most, and each holds only capped state.

Workers are forked only from a process that runs one thread, on Linux (a fork copies what
other threads hold, locks included, into the worker, where it can hang), and spawned
otherwise; as with any spawned process, a program that asks for ``jobs`` > 1 must guard its
entry point with ``if __name__ == "__main__":`` (libraries it imports may run threads). On
any failure the workers are killed, so a stuck one cannot hold the run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from protocols.plan.model import Plan
from protocols.progress import Progress, Report
from protocols.report.base import RunResult
from protocols.validate import lines as lines_module
from protocols.validate.check import messages
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.count import drift, tally
from protocols.validate.count.drift import CapReached
from protocols.validate.count.findings import FindingsLog, findings_of_run
from protocols.validate.count.partial import PartialResult
from protocols.validate.read import detect, limits, ranges
from protocols.validate.read import inputs as inputs_module
from protocols.validate.read.inputs import STDIN, read_records
from protocols.validate.read.limits import RunEdges
from protocols.validate.read.ranges import read_range, splittable
from protocols.validate.run import Run, ValidateOptions
from protocols.validate.write import quarantine as quarantine_module
from protocols.validate.write.quarantine import Quarantine, reason_line

# Pieces of at most this size. Each piece costs its process about a tenth of a second (a run
# starts, drift counting learns again which values repeat), so pieces are as few as can be:
# one per process up to this size (measured in docs/performance.md, "--jobs and pieces").
PIECE_BYTES = 256 * 2**20
_BLOCK = 2**20


@dataclass(frozen=True)
class Piece:
    """Bytes ``start`` to ``end`` of ``file`` (``end`` None: the whole file, any format)."""

    file: str
    start: int = 0
    end: int | None = None
    first_line: int = 1


@dataclass
class _Partial:
    """What a worker sends back about one piece: its :class:`PartialResult` (every finding
    in a log it kept on disk, when asked for), and its quarantine output."""

    result: PartialResult
    good_records: int
    bad_records: int
    bad_lines: int
    outputs: tuple[str | None, str | None, str | None]  # temporary good, bad, reasons
    edges: RunEdges | None  # runs that end an input, at the piece's edges (a range only)


def jobs_from(text: str) -> int:
    """``--jobs`` as a number of processes: a whole number >= 1, or ``auto`` (the cores)."""
    if text == "auto":
        return os.cpu_count() or 1
    try:
        jobs = int(text)
    except ValueError:
        raise ValueError(f"--jobs takes a whole number >= 1 or auto, not {text!r}") from None
    if jobs < 1:
        raise ValueError(f"--jobs takes a whole number >= 1 or auto, not {text!r}")
    return jobs


def pieces(name: str, size: int | None = None) -> list[Piece]:
    """``name`` in pieces of about ``size`` bytes (PIECE_BYTES) cut after a line end, or
    whole when it is not plain NDJSON."""
    total = _size(name)
    if not total or not splittable(name):
        return [Piece(name)]  # read whole; a file that cannot be read says so there (PV005)
    size = size or PIECE_BYTES
    targets = list(range(size, total, size))
    starts = [(0, 1)]  # (byte offset, line number starting there)
    offset, lines = 0, 1
    with open(name, "rb") as handle:
        while targets:
            block = handle.read(_BLOCK)
            if not block:
                break
            while targets:
                newline = block.find(b"\n", max(targets[0] - offset, 0))
                if newline < 0:
                    break  # the target's line ends in a later block
                cut = offset + newline + 1
                targets = [t for t in targets if t >= cut]
                if starts[-1][0] < cut < total:
                    starts.append((cut, lines + block.count(b"\n", 0, newline + 1)))
            lines += block.count(b"\n")
            offset += len(block)
    ends = [start for start, _ in starts[1:]] + [total]
    return [Piece(name, start, end, line) for (start, line), end in zip(starts, ends, strict=True)]


def validate_in_parallel(plan: Plan, inputs: Sequence[str], options: ValidateOptions, *,
                         progress: Report | None = None) -> RunResult | None:
    """The run of :func:`~protocols.validate.run.validate_inputs` on ``options.jobs``
    processes, or None when it runs better or must run on one (one piece only, stdin, a cap
    reached in a piece, a worker that died).
    ``progress`` hears of each piece done, in input order."""
    if STDIN in inputs:
        return None  # stdin cannot be read in pieces, nor twice
    total = sum(_size(name) for name in inputs)
    size = _piece_bytes(total, options)
    work = [piece for name in inputs for piece in pieces(name, size)]
    if len(work) < 2:
        return None  # one piece: nothing to share, and no worker to start
    scratch = Path(tempfile.mkdtemp(prefix="protocols-validate-",
                                    dir=_scratch_parent(options)))
    try:
        return _run(plan, inputs, options, work, scratch, total, progress)
    except (CapReached, BrokenProcessPool):
        return None  # (a worker that died, killed or out of memory: one process does it all)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _piece_bytes(total: int, options: ValidateOptions) -> int:
    """One piece per process (of ``total`` bytes); at most PIECE_BYTES, and no less than
    1 MiB, below which starting a piece costs more than it shares."""
    return max(min(PIECE_BYTES, -(-total // options.jobs)), min(PIECE_BYTES, _BLOCK))


def _size(name: str) -> int:
    try:
        return os.path.getsize(name) if os.path.isfile(name) else 0
    except OSError:
        return 0


def _scratch_parent(options: ValidateOptions) -> str | None:
    """Where the workers' quarantine pieces go: they are as large as the input, so beside
    the regular file they become (same disk); the system's temporary folder when the output
    is a device or a pipe (``--good /dev/stdout``: no folder can be made beside those)."""
    for target in (options.good, options.bad):
        if target is None:
            continue
        if target.exists() and not target.is_file():  # stat follows /dev/stdout to the pipe
            continue
        target.parent.mkdir(parents=True, exist_ok=True)  # as the quarantine would
        return str(target.resolve().parent)
    return None


def _run(plan: Plan, inputs: Sequence[str], options: ValidateOptions, work: list[Piece],
         scratch: Path, total: int, progress: Report | None = None) -> RunResult:
    validator = Validator(plan)
    quarantine = Quarantine(good=options.good, bad=options.bad, reasons=options.bad_reasons)
    read = 0
    pool = ProcessPoolExecutor(options.jobs,
                               mp_context=multiprocessing.get_context(_start_method()),
                               initializer=_start_worker,
                               initargs=(validator, replace(options, jobs=1), _limits()))
    try:
        with findings_of_run(options.every_finding) as findings, _Outputs(options) as outputs:
            merged = Run(validator, options, findings=findings)
            merged.counts.files = len(inputs)
            runs = _Runs()
            for piece, partial in _in_order(pool, work, scratch, 2 * options.jobs):
                runs.add(piece, partial.edges)
                merged.partial.merge(partial.result)
                outputs.append(partial)
                if progress is not None:
                    read += (piece.end - piece.start) if piece.end is not None \
                        else _size(piece.file)
                    progress(Progress(min(read, total), total, merged.partial.counts.messages,
                                      merged.partial.examples.total))
            quarantine.good_records = outputs.good_records
            quarantine.bad_records = outputs.bad_records
            return merged.result(quarantine)
    except BaseException:
        # A cap, a dead worker, Ctrl-C, a failing caller: the pieces under way are of no
        # use, and a worker that is stuck (stopped, or blocked) would never end its piece.
        _kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    # (read first: 3.14's kill_workers shuts the pool down, which forgets its queue)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            if process.is_alive():
                process.kill()  # SIGKILL: a stopped process does not take SIGTERM
    # A worker killed while it sent its piece (megabytes, more than a pipe holds) leaves the
    # pool's thread reading the rest for ever: this process holds the pipe's writing end
    # too. Closed, the pipe ends when the workers do, and the pool can shut down.
    if writer is not None:
        writer.close()


def _start_method() -> str:
    """How workers start: forked on Linux when this process runs one thread only (native
    threads counted), so that nothing another thread holds (a lock, a server's state) is
    copied into them, and they start with the code imported and the plan in memory (0.4 s
    sooner than spawned ones, measured); spawned, from a fresh interpreter, otherwise (a
    library caller's threads, a progress line's, a test session's; macOS and Windows, where
    threads cannot be counted so)."""
    if not sys.platform.startswith("linux"):
        return "spawn"
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "spawn"
    return "fork" if threads == 1 else "spawn"


def _in_order(pool: ProcessPoolExecutor, work: list[Piece], scratch: Path,
              ahead: int) -> Iterator[tuple[Piece, _Partial]]:
    """Each piece of ``work`` with what a worker made of it, in order; at most ``ahead``
    pieces are queued or under way at once, so what waits to be merged stays small."""
    waiting: deque[tuple[Piece, Future[_Partial]]] = deque()
    for index, piece in enumerate(work):
        waiting.append((piece, pool.submit(_validate_piece, (index, piece, scratch))))
        if len(waiting) >= ahead:
            piece, future = waiting.popleft()
            yield piece, future.result()
    while waiting:
        piece, future = waiting.popleft()
        yield piece, future.result()


# The module constants a run is bounded by. A spawned worker starts from a fresh interpreter,
# so it is given this process's values: pieces stop, cap and merge exactly as one process would,
# whatever a library user (or a test) set them to.
_LIMIT_MODULES = (limits, tally, drift, quarantine_module, inputs_module, detect, ranges,
                  lines_module, messages)


def _limits() -> dict[tuple[str, str], int]:
    return {(module.__name__, name): value for module in _LIMIT_MODULES
            for name, value in vars(module).items()
            if name.isupper() and type(value) is int}


_WORKER: dict[str, Any] = {}


def _start_worker(validator: Validator, options: ValidateOptions,
                  bounds: dict[tuple[str, str], int]) -> None:
    modules = {module.__name__: module for module in _LIMIT_MODULES}
    for (module, name), value in bounds.items():
        setattr(modules[module], name, value)
    _WORKER["validator"] = validator
    _WORKER["options"] = options
    _WORKER["lane"] = FastLane(validator)  # its entries serve every piece


def _validate_piece(job: tuple[int, Piece, Path]) -> _Partial:
    index, piece, scratch = job
    validator: Validator = _WORKER["validator"]
    options: ValidateOptions = _WORKER["options"]
    run = Run(validator, options, _WORKER["lane"],
              findings=FindingsLog(scratch) if options.every_finding else None)
    paths = tuple(str(scratch / f"{index}.{kind}") if wanted is not None else None
                  for kind, wanted in (("good", options.good), ("bad", options.bad),
                                       ("reasons", options.bad_reasons)))
    good, bad, reasons = (Path(p) if p is not None else None for p in paths)
    quarantine = Quarantine(good=good, bad=bad, reasons=reasons)
    with quarantine:
        fast = run.line_handler(quarantine)  # (after the files are open)
        edges: list[RunEdges] = []
        records = (read_records(piece.file, fast) if piece.end is None else
                   read_range(piece.file, piece.start, piece.end, piece.first_line, fast,
                              edges))
        run.feed(records, quarantine)
    result = run.partial
    if isinstance(result.findings, FindingsLog):
        result.findings = result.findings.keep()  # the parent appends it (merge)
    return _Partial(result, quarantine.good_records, quarantine.bad_records,
                    quarantine.bad_lines, (paths[0], paths[1], paths[2]),
                    edges[0] if edges else None)


class _Runs:
    """The runs that end an input which is not a log (limits.py: blank bytes, lines and
    bytes without a message), added across the pieces of each file: when one process
    would have stopped reading where the pieces did not, or a piece stopped (the pieces
    after it were read for nothing), the run starts again on one process."""

    def __init__(self) -> None:
        self.file: str | None = None
        self.carry = [0, 0, 0]

    def add(self, piece: Piece, edges: RunEdges | None) -> None:
        if edges is None:
            self.file = None
            return
        if edges.stopped:
            raise CapReached("an input that stops")
        if piece.file != self.file:
            self.file, self.carry = piece.file, [0, 0, 0]
        for index in range(3):
            total = self.carry[index] + edges.leading[index]
            if limits.stops(index, total):
                raise CapReached("an input that stops")
            self.carry[index] = edges.trailing[index] if edges.ended[index] else total


class _Outputs:
    """The quarantine files, assembled from the pieces in input order."""

    def __init__(self, options: ValidateOptions) -> None:
        self._paths = (options.good, options.bad, options.bad_reasons)
        self._handles: list[IO[bytes] | None] = []
        self.good_records = self.bad_records = 0
        self._bad_lines = 0

    def __enter__(self) -> _Outputs:
        for path in self._paths:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
        self._handles = [open(path, "wb") if path is not None else None  # noqa: SIM115
                         for path in self._paths]
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            if handle is not None:
                handle.close()

    def append(self, partial: _Partial) -> None:
        good, bad, reasons = self._handles
        for piece, target in zip(partial.outputs[:2], (good, bad), strict=True):
            if piece is not None and target is not None:
                with open(piece, "rb") as source:
                    shutil.copyfileobj(source, target)
                os.unlink(piece)
        if partial.outputs[2] is not None and reasons is not None:
            reasons.writelines(self._renumbered(partial.outputs[2]))
            os.unlink(partial.outputs[2])
        self.good_records += partial.good_records
        self.bad_records += partial.bad_records
        self._bad_lines += partial.bad_lines

    def _renumbered(self, path: str) -> Iterator[bytes]:
        """Reasons of a piece, with ``bad_line`` counted from the start of the whole bad file."""
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                reason = json.loads(line)
                reason["bad_line"] += self._bad_lines
                yield reason_line(reason).encode("utf-8")
