"""JSON text that is exact and can always be written, whatever strings the input held.

A log line can carry a lone surrogate (``"\\ud800"``): valid JSON, decoded by Python into a
string that UTF-8 cannot encode, so ``json.dumps(..., ensure_ascii=False)`` followed by a write
crashed every machine report. :func:`json_text` keeps non-ASCII text readable and writes each
lone surrogate as the escape ``\\udXXX``, which decodes back to the same string: the output is
valid JSON, exact, and encodable.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Outside strings json.dumps writes only ASCII, so a surrogate can only sit inside a string,
# where its \u escape means the same code unit.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, **options: Any) -> str:
    """``json.dumps(value, ensure_ascii=False, **options)`` with lone surrogates escaped."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text
