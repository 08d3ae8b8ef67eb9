"""Helpers the CI reporters share: ordering, relative paths, stable fingerprints, counts."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath, PurePosixPath, PureWindowsPath

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RunResult

# The name validate gives to findings about an event the plan does not define; JUnit and
# Markdown group those events apart from the planned ones. (An event-name-drift finding is
# about the planned event the name drifts from, so it stays with that event.)
UNPLANNED_EVENT_NAMES = frozenset({"unplanned-event"})

_NUMBER = re.compile(r"\d+")


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


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """A stable, unique fingerprint per finding, in the order given.

    The base hash covers the code, file, JSON path and the message with its numbers blanked,
    so a finding keeps its fingerprint when lines move or counts change. Findings with the same
    base (the same violation in several log lines) get an occurrence suffix ``:1``, ``:2``...
    so every fingerprint in one report is unique, as GitLab and GitHub require.
    """
    occurrences: dict[str, int] = {}
    out: list[str] = []
    for diagnostic in diagnostics:
        material = "\x1f".join([diagnostic.code, diagnostic.file or "", diagnostic.path or "",
                                _NUMBER.sub("0", diagnostic.message)])
        # surrogatepass: a lone surrogate from a log line still hashes (and stably).
        base = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        occurrences[base] = occurrences.get(base, 0) + 1
        out.append(f"{base}:{occurrences[base]}")
    return out
