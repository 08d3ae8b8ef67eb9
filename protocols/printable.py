"""Text from plans, logs and source code made safe to print: control characters written out.

A report may go to a terminal (or a CI log that renders ANSI codes). An escape sequence in a
hostile input (an event name in a log, a file name or a source line in a pull request) must
be shown, never acted on, so each control character is written as its escape (``\\x1b``).
"""

from __future__ import annotations

import re

# C0 and C1 control characters other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# For one line of a terminal: tab and newline too, and the bidirectional overrides and
# isolates, which can make a source line read differently from what it is ("Trojan Source").
_TERMINAL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TERMINAL_LINES = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _written_out(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each control character but tab and newline written out (``\\x1b``)."""
    return _CONTROL.sub(_written_out, text)


def one_line(text: str) -> str:
    """``text`` for one line of a terminal: every control character written out, tab and
    newline included, and the bidirectional controls (``\\u202e``)."""
    return _TERMINAL.sub(_written_out, text)


def terminal(text: str) -> str:
    """``text`` for a terminal, its lines kept: as :func:`one_line`, but a newline stays."""
    return _TERMINAL_LINES.sub(_written_out, text)
