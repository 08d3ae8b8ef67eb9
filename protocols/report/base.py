"""What every reporter receives: the result of one command run."""

from __future__ import annotations

import linecache
import os
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from protocols.diagnostics import Diagnostic, Severity

# Where SARIF help links and Markdown summaries point for a code's documentation; the anchor
# of the code's heading is appended. Overridden with the PROTOCOLS_RULES_URL environment variable.
DEFAULT_RULES_URL = "https://github.com/protocols-dev/protocols/blob/main/docs/rules.md"


# Files up to this size (plans) are cached whole by linecache; a line of a larger file (a
# log: validate shows the line of a JSON error) is found by reading up to it, so that
# showing a few examples never holds a log of gigabytes in memory.
MAX_CACHED_SOURCE = 4 * 2**20
MAX_SHOWN_LINE = 64 * 1024


def read_source_line(file: str, line: int) -> str | None:
    """The text of one line of a file, for showing context under a diagnostic."""
    try:
        info = os.stat(file)
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None  # a device or pipe named like a file: never read (/dev/zero is endless)
    size = info.st_size
    if size > MAX_CACHED_SOURCE or not file.endswith(_YAML):
        # A log or a source file: its lines end at \n only, as its reader counts them (a
        # lone \r is JSON white space; linecache would start a line there and show another
        # line under the finding's number), and line 1 starts after a byte order mark. A
        # file small enough to cache has its whole line shown, as linecache would.
        text = _scan_for_line(file, line, (info.st_size, info.st_mtime_ns, info.st_ino),
                              MAX_SHOWN_LINE if size > MAX_CACHED_SOURCE else size)
        return text.removeprefix("\ufeff") if text is not None and line == 1 else text
    linecache.checkcache(file)  # the file may have changed since it was cached (long runs)
    text = linecache.getline(file, line)
    return text.rstrip("\r\n") if text else None


# Plans: YAML breaks lines at \r too, as linecache does.
_YAML = (".yaml", ".yml")


# Where the last line found by _scan_for_line starts: (file, its size, time and inode), line,
# byte offset. Reports ask for lines in input order (a text report of a pretty-printed JSON
# array shows a line for each finding), so each scan goes on from the last one instead of
# reading the log from its start again: one pass over the log in all.
_last_found: tuple[str, tuple[int, int, int], int, int] | None = None


def _scan_for_line(file: str, line: int, stamp: tuple[int, int, int], most: int = MAX_SHOWN_LINE
                   ) -> str | None:
    global _last_found
    try:
        with open(file, "rb") as handle:
            if handle.peek(2)[:2] == b"\x1f\x8b":
                return None  # gzip: not text to show
            seen = 1  # the number of the line that starts at the handle's position
            last = _last_found
            if last is not None and last[:2] == (file, stamp) and last[2] <= line:
                seen = last[2]
                handle.seek(last[3])
            size = 1 << 14  # (the next line asked for is often near the last one)
            while seen < line:
                block = handle.read(size)
                size = min(2 * size, 1 << 20)
                if not block:
                    return None
                newlines = block.count(b"\n")
                if seen + newlines < line:
                    seen += newlines
                    continue
                # (past the (line - seen)th newline of the block: split at C speed)
                after = block.split(b"\n", line - seen)[-1]
                handle.seek(-len(after), os.SEEK_CUR)
                seen = line
            _last_found = (file, stamp, line, handle.tell())
            data = handle.readline(most)
    except OSError:
        return None
    return data.decode("utf-8", "replace").rstrip("\r\n") if data else None


class Findings(Protocol):
    """Every finding of a run, read back as often as needed (validate keeps them on disk:
    protocols/validate/count/findings.py); ``len()`` says how many."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Diagnostic]: ...


@dataclass(frozen=True)
class RunResult:
    """One command's findings.

    ``command`` is ``lint``, ``validate`` or ``diff``. ``summary`` holds the command's counts
    (for lint: files and counts by severity). ``extra`` holds command-specific sections that
    machine formats include as they are (validate's ``inconsistencies``, diff's ``changes``).

    ``diagnostics`` are the findings people read: all of them for lint and diff, a few
    examples per code for validate. ``findings``, when set, is every finding, in input order,
    for the formats that list them all (JSON, SARIF, GitLab); see :func:`every_finding`.
    """

    command: str
    diagnostics: tuple[Diagnostic, ...]
    summary: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)
    findings: Findings | None = None


def every_finding(result: RunResult) -> Findings:
    """Every finding of the run: ``findings`` when the command kept them apart from the
    examples, else ``diagnostics`` (which are then all of them)."""
    return result.findings if result.findings is not None else result.diagnostics


@dataclass(frozen=True)
class RenderOptions:
    """How to render. Reporters never read the environment; the CLI fills these in.

    ``source_root``: absolute file paths under it are shown relative to it (CI tools want
    paths relative to the repository). ``fail_on``: the level at which the command fails, so
    that JUnit marks a test case failed exactly when the run fails because of it (None: never).
    """

    color: bool = False
    tool_version: str = ""
    source_line: Callable[[str, int], str | None] = read_source_line
    rules_url: str = DEFAULT_RULES_URL
    source_root: str | None = None
    fail_on: Severity | None = Severity.ERROR
