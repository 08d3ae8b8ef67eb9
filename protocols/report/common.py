"""Helpers the CI reporters share: ordering, relative paths, stable fingerprints, counts."""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from operator import itemgetter
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RunResult

# The name validate gives to findings about an event the plan does not define; JUnit and
# Markdown group those events apart from the planned ones. (An event-name-drift finding is
# about the planned event the name drifts from, so it stays with that event.)
UNPLANNED_EVENT_NAMES = frozenset({"unplanned-event"})

_NUMBER = re.compile(r"\d+")
# The place of a message in a JSON array, first in its path ("[6].event"): no plan's, nor a
# message's own path, starts with an index.
_ELEMENT = re.compile(r"\A\[\d+\]")
# Memory bounds for the formats that read every finding of a large run: the (code, event)
# pairs remembered to rank first findings before repeats, and the fingerprint bases whose
# occurrences are counted (see Fingerprinter).
# JSON reports are indented for people up to this many findings; compact above, where the
# C encoder is several times faster than the pure-Python one indentation needs.
PRETTY_LIMIT = 2_000
MAX_RANKED_PAIRS = 100_000
MAX_COUNTED_BASES = 100_000


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def severity_counts(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        if diagnostic.severity is not Severity.OFF:
            counts[diagnostic.severity.value] += 1
    return counts


def suggestion_note(diagnostic: Diagnostic) -> str | None:
    """``did you mean 'x'?`` unless the message already asks it."""
    if diagnostic.suggestion is None or "did you mean" in diagnostic.message.lower():
        return None
    return f"did you mean {diagnostic.suggestion!r}?"


def severity_totals(result: RunResult) -> dict[str, int]:
    """Findings per level for the whole run.

    validate keeps only a few example diagnostics per code and event, and puts the true
    totals in ``summary["by_severity"]``; other commands report every finding.
    """
    totals = result.summary.get("by_severity")
    if isinstance(totals, Mapping):
        return {level: int(totals.get(level, 0)) for level in ("error", "warning", "info")}
    return severity_counts(result.diagnostics)


def most_important_first(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Most severe first; within a level, the first finding of each (code, event) before repeats.

    GitHub shows only the first 10 annotations of each level per step, so those ten should
    cover as many different problems as possible rather than ten copies of one.
    """
    ordered = sorted(diagnostics, key=lambda d: (-d.severity.rank, *d.sort_key()))
    seen: set[tuple[str, str | None]] = set()
    ranked: list[tuple[int, bool, int, Diagnostic]] = []
    for position, diagnostic in enumerate(ordered):
        key = (diagnostic.code, diagnostic.event)
        ranked.append((-diagnostic.severity.rank, key in seen, position, diagnostic))
        seen.add(key)
    return [diagnostic for *_, diagnostic in sorted(ranked, key=lambda item: item[:3])]


@functools.lru_cache(maxsize=4096)  # a report names few files many times; pathlib is slow
def display_file(file: str, source_root: str | None) -> str:
    """``file`` relative to ``source_root`` when it is an absolute path inside it, else as is."""
    if source_root is None:
        return file
    for flavour in (PurePosixPath, PureWindowsPath):
        path: PurePath = flavour(file)
        root: PurePath = flavour(source_root)
        if path.is_absolute() and root.is_absolute():
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                return file
    return file


def top_findings(result: RunResult, limit: int, levels: Iterable[Severity]
                 ) -> tuple[list[Diagnostic], int]:
    """The ``limit`` most important findings of the run at ``levels`` (ordered as
    :func:`most_important_first`), and how many there are at those levels in all.

    Reads every finding once, keeping ``limit`` of them: for validate, whose findings are
    on disk in input order, memory stays flat however many there are. Which (code, event)
    pairs were seen is remembered for the first MAX_RANKED_PAIRS pairs; a later new pair
    ranks as a repeat.
    """
    wanted = frozenset(levels)
    source: Iterable[Diagnostic] = result.findings if result.findings is not None else sorted(
        result.diagnostics, key=lambda d: (-d.severity.rank, *d.sort_key()))
    total = 0
    seen: set[tuple[str, str | None]] = set()

    def ranked() -> Iterator[tuple[tuple[int, bool, int], Diagnostic]]:
        nonlocal total
        for diagnostic in source:
            if diagnostic.severity not in wanted:
                continue
            pair = (diagnostic.code, diagnostic.event)
            repeat = pair in seen
            if not repeat:
                if len(seen) < MAX_RANKED_PAIRS:
                    seen.add(pair)
                else:
                    repeat = True
            yield (-diagnostic.severity.rank, repeat, total), diagnostic
            total += 1

    kept = [diagnostic for _, diagnostic in heapq.nsmallest(limit, ranked(), key=itemgetter(0))]
    return kept, total


class Fingerprinter:
    """A stable fingerprint per finding, unique within one report (call it on each in order).

    The base hash covers the code, file, JSON path and the message with its numbers blanked,
    so a finding keeps its fingerprint when lines move or counts change (the index of a JSON
    array's element that starts its path is blanked too: it moves as the line does). Findings
    with the same base (the same violation in several log lines) get an occurrence suffix
    ``:1``, ``:2``... so every fingerprint in one report is unique, as GitLab and GitHub
    require.

    Occurrences are counted for the first MAX_COUNTED_BASES bases; a base first met after
    that (only a run with that many different findings gets there) is numbered by its line
    instead (``:L12.1``), which keeps memory flat and fingerprints unique as long as the
    findings of one line come together, as validate gives them.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_COUNTED_BASES if limit is None else limit
        self._occurrences: dict[str, int] = {}
        self._where: tuple[str | None, int | None] = (None, None)
        self._here: dict[str, int] = {}

    def __call__(self, diagnostic: Diagnostic) -> str:
        path = diagnostic.path or ""
        if path[:1] == "[":
            path = _ELEMENT.sub("[0]", path)
        material = "\x1f".join([diagnostic.code, diagnostic.file or "", path,
                                _NUMBER.sub("0", diagnostic.message)])
        base = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        count = self._occurrences.get(base)
        if count is not None or len(self._occurrences) < self.limit:
            count = (count or 0) + 1
            self._occurrences[base] = count
            return f"{base}:{count}"
        where = (diagnostic.file, diagnostic.line)
        if where != self._where:
            self._where, self._here = where, {}
        self._here[base] = self._here.get(base, 0) + 1
        return f"{base}:L{diagnostic.line or 0}.{self._here[base]}"


def json_list(items: Iterable[Any], *, indent: int | None, depth: int = 0) -> Iterator[str]:
    """A JSON array, one item at a time: as ``json.dumps(list, indent=indent)`` would put it
    at ``depth`` levels of nesting, or compact when ``indent`` is None."""
    if indent is None:
        yield "["
        separator = ""
        for item in items:
            yield separator + json.dumps(item, ensure_ascii=False, separators=(",", ":"))
            separator = ","
        yield "]"
        return
    inner = "\n" + " " * (indent * (depth + 1))
    yield "["
    separator = inner
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False, indent=indent).replace(
            "\n", inner)
        separator = "," + inner
    yield "]" if separator == inner else "\n" + " " * (indent * depth) + "]"
