"""The live progress line of long commands (validate, infer, scan), on standard error.

Shown only to a person at a terminal: standard error is a terminal, not under CI, not with
``--quiet``, and no machine-readable report goes to standard output (it may be piped on, and
a terminal that shows both would mix them). It is drawn with rich, transient (it is gone
when the run ends), and never written to standard output.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from protocols.progress import Progress


def progress_wanted(formats: list[str], outputs: list[Path], *, quiet: bool = False) -> bool:
    """Whether to show a progress line for a run with these ``--format``/``--output``."""
    from protocols.cli.output import resolve_format

    if quiet or os.environ.get("CI") or not sys.stderr.isatty():
        return False
    for index, name in enumerate(formats or ["auto"]):
        to_stdout = index >= len(outputs) or str(outputs[index]) == "-"
        if to_stdout and resolve_format(name) != "text":
            return False
    return True


class RunProgress:
    """``validate`` and ``infer``: bytes and messages read, messages per second, the time
    left when the inputs' size is known, and findings so far."""

    def __init__(self, *, enabled: bool, verb: str, findings: bool = True) -> None:
        self.enabled = enabled
        self.verb = verb
        self.findings = findings
        self._bar: Any = None
        self._task: Any = None
        self._began = time.monotonic()

    def __enter__(self) -> RunProgress:
        # The rate counts from the start of the run, not from the first report: with --jobs
        # the first report already holds a whole piece's messages.
        self._began = time.monotonic()
        return self

    def update(self, progress: Progress) -> None:
        if not self.enabled:
            return
        first = self._bar is None
        if first:
            # Standard input has no position to tell: messages only, rather than "0 bytes".
            self._start(progress.bytes_total, bytes_known=bool(progress.bytes_read
                                                                or progress.bytes_total))
        elapsed = max(time.monotonic() - self._began, 1e-6)
        found = f", {progress.findings:,} findings" if self.findings else ""
        self._bar.update(self._task, completed=progress.bytes_read,
                         total=progress.bytes_total,
                         counts=f"{progress.messages:,} messages "
                                f"({progress.messages / elapsed:,.0f}/s){found}")
        if first:
            self._bar.refresh()  # (then rich redraws it ten times a second)

    def _start(self, total: int | None, *, bytes_known: bool = True) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [TextColumn(self.verb)]
        if total is not None:
            columns += [BarColumn(), DownloadColumn(), TimeRemainingColumn()]
        elif bytes_known:
            columns += [DownloadColumn()]
        columns.append(TextColumn("{task.fields[counts]}"))
        self._bar = Progress(*columns, console=Console(stderr=True), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(self.verb, total=total, counts="")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()


class FileProgress:
    """``scan``: files read of all, and files per second (shown once there are enough
    files for the scan to take a while)."""

    def __init__(self, *, enabled: bool, verb: str = "scanning", minimum: int = 100) -> None:
        self.enabled = enabled
        self.verb = verb
        self.minimum = minimum
        self._bar: Any = None
        self._task: Any = None
        self._began = time.monotonic()

    def __enter__(self) -> FileProgress:
        self._began = time.monotonic()  # the rate counts every file, from the start
        return self

    def update(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < self.minimum:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._bar = Progress(TextColumn(self.verb), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("files {task.fields[rate]}"),
                                 console=Console(stderr=True), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.verb, total=total, rate="")
        elapsed = max(time.monotonic() - self._began, 1e-6)
        self._bar.update(self._task, completed=done, rate=f"({done / elapsed:.0f}/s)")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
