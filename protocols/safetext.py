"""Text from plans and logs, made safe to show to people: the one sanitising function.

Event names, property values, file names and source lines come from pull requests and
production traffic. Printed as they are, an ESC or OSC sequence recolours or retitles the
terminal (or hides a line), a CR rewrites the line it is on, a NUL truncates it in some
viewers, bidirectional overrides make code read differently from what it is ("Trojan
Source"), and a lone surrogate (``"\\ud800"``, valid in JSON) cannot even be encoded.

:func:`printable` shows each such character as a Python-style escape (``\\x1b``, ``\\u202e``,
``\\ud800``), leaving all other text, accents and emoji included, as it is. Every human-facing
reporter (text, Markdown, GitHub, JUnit, the diff changelog) and every CLI message that
echoes input goes through it; machine formats (JSON, SARIF, GitLab) stay exact instead (see
:mod:`protocols.jsontext`).
"""

from __future__ import annotations

import re

# C0 controls (tab and newline included: a name never needs them, and a newline could forge a
# line of output), DEL and C1 controls, the bidirectional marks, embeddings, overrides and
# isolates, the Unicode line and paragraph separators, and surrogates.
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_TEXT = re.compile(f"[\x00-\x1f{_OTHERS}]")
_UNSAFE_LINES = re.compile(f"[\x00-\x09\x0b-\x1f{_OTHERS}]")  # newline kept


_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control, bidi-control, line-separator and surrogate character
    written as an escape. With ``newlines``, ``\\n`` is kept (for text that is several lines
    of the tool's own making, whose parts were sanitised already)."""
    pattern = _UNSAFE_LINES if newlines else _UNSAFE_TEXT
    if pattern.search(text) is None:  # the common case: nothing to do
        return text
    return pattern.sub(_escape, text)
