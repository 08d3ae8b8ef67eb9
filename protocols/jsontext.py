"""JSON text that is exact and can always be written, whatever strings the input held.

A log line can carry a lone surrogate (``"\\ud800"``): valid JSON, decoded by Python into a
string that UTF-8 cannot encode, so ``json.dumps(..., ensure_ascii=False)`` followed by a write
crashed every machine report. :func:`json_text` keeps non-ASCII text readable and writes each
lone surrogate as the escape ``\\udXXX``, which decodes back to the same string: the output is
valid JSON, exact, and encodable.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any, ParamSpec

P = ParamSpec("P")

# Outside strings json.dumps writes only ASCII, so a surrogate can only sit inside a string,
# where its \u escape means the same code unit.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with lone surrogates escaped."""
    return escape_surrogates(json.dumps(value, ensure_ascii=False, **options))


def escape_surrogates(text: str) -> str:
    """JSON text (whole, or a piece of it that ``json.dumps`` made) with each lone surrogate
    written as its ``\\u`` escape."""
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def exact_pieces(stream: Callable[P, Iterator[str]]) -> Callable[P, Iterator[str]]:
    """Decorate a reporter that writes JSON in pieces: every piece comes out surrogate-safe."""
    @functools.wraps(stream)
    def pieces(*args: P.args, **kwargs: P.kwargs) -> Iterator[str]:
        for piece in stream(*args, **kwargs):
            yield escape_surrogates(piece)

    return pieces
