"""JSON text that is exact, can always be written, and is safe to print, whatever strings the
input held.

A log line can carry a lone surrogate (``"\\ud800"``): valid JSON, decoded by Python into a
string that UTF-8 cannot encode, so ``json.dumps(..., ensure_ascii=False)`` followed by a write
crashed every machine report. And ``json.dumps`` escapes C0 controls but writes DEL, the C1
controls (``\\x9b`` is an 8-bit CSI, which some terminals act on) and the bidirectional marks
and overrides (``\\u202e``) as they are, so a JSON report printed to a terminal could carry
them. :func:`json_text` keeps other non-ASCII text readable and writes each of those characters
as its ``\\uXXXX`` escape, which decodes back to the same string: the output is valid JSON,
exact, encodable, and free of raw control characters (the set safetext.printable escapes in
text for people).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec

P = ParamSpec("P")

# Outside strings json.dumps writes only ASCII, so these can only sit inside a string, where a
# \u escape means the same code unit: DEL and the C1 controls, the bidirectional marks,
# embeddings, overrides and isolates, the line and paragraph separators, and surrogates.
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with unsafe characters escaped."""
    return escape_unsafe(json.dumps(value, ensure_ascii=False, **options))


def escape_unsafe(text: str) -> str:
    """JSON text (whole, or a piece of it that ``json.dumps`` made) with each lone surrogate,
    C1 control, DEL and bidirectional or line-separator character written as its ``\\u``
    escape."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def exact_pieces(stream: Callable[P, Iterator[str]]) -> Callable[P, Iterator[str]]:
    """Decorate a reporter that writes JSON in pieces: every piece comes out escaped so."""
    @functools.wraps(stream)
    def pieces(*args: P.args, **kwargs: P.kwargs) -> Iterator[str]:
        for piece in stream(*args, **kwargs):
            yield escape_unsafe(piece)

    return pieces
