"""Progress of a long run (validate, infer), reported to whoever shows it.

The core never draws anything: a run that may take long takes an optional callback and calls
it now and then (every :data:`EVERY` lines, and once at the end) with a :class:`Progress`.
The command line shows it as a live line on a terminal (protocols/cli/progress.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

#: Lines read between two reports: often enough for a live line, rare enough to cost nothing.
EVERY = 4096


@dataclass(frozen=True)
class Progress:
    """How far a run has got: bytes of its inputs read (of ``bytes_total`` when every input
    has a known size), messages read, findings so far (validate; 0 for infer)."""

    bytes_read: int
    bytes_total: int | None
    messages: int
    findings: int = 0


Report = Callable[[Progress], None]
