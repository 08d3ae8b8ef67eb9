"""What every reporter receives: the result of one command run."""

from __future__ import annotations

import linecache
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic, Severity

# Where SARIF help links and Markdown summaries point for a code's documentation; the anchor
# of the code's heading is appended. Overridden with the PROTOCOLS_RULES_URL environment variable.
DEFAULT_RULES_URL = "https://github.com/protocols-dev/protocols/blob/main/docs/rules.md"


# Files larger than this are not shown from (the plan reader refuses them anyway).
MAX_SOURCE_BYTES = 32 * 1024 * 1024


def read_source_line(file: str, line: int) -> str | None:
    """The text of one line of a file, for showing context under a diagnostic.

    Only a regular file that exists under that name is read: linecache would otherwise look
    for a missing relative name along ``sys.path`` and read devices without bound.
    """
    try:
        if not os.path.isfile(file) or os.path.getsize(file) > MAX_SOURCE_BYTES:
            return None
    except OSError:
        return None
    linecache.checkcache(file)  # the file may have changed since it was cached (long runs)
    text = linecache.getline(file, line)
    return text.rstrip("\r\n") if text else None


@dataclass(frozen=True)
class RunResult:
    """One command's findings.

    ``command`` is ``lint``, ``validate`` or ``diff``. ``summary`` holds the command's counts
    (for lint: files and counts by severity). ``extra`` holds command-specific sections that
    machine formats include as they are (validate's ``inconsistencies``, diff's ``changes``).
    """

    command: str
    diagnostics: tuple[Diagnostic, ...]
    summary: Mapping[str, Any]
    extra: Mapping[str, Any] = field(default_factory=dict)


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
