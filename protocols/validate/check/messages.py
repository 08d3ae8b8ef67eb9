"""Checks of the Segment message envelope that do not depend on the plan.

A message has a known ``type``; ``userId`` or ``anonymousId`` (one a non-empty string, the
other possibly null, as the SDKs send it); ISO-8601 timestamps; ``previousId`` for alias.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from protocols.diagnostics import Diagnostic
from protocols.validate.codes import CODES

MESSAGE_TYPES = ("track", "identify", "group", "page", "screen", "alias")
TIMESTAMP_FIELDS = ("timestamp", "originalTimestamp", "sentAt", "receivedAt")


def shown(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of a value for messages."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


MAX_NAME_LENGTH = 120


def clip(text: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A name from a message, shortened for reports (a log may hold a 1 MB event name)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def quoted(name: str) -> str:
    """A name from a message, quoted and shortened for a finding's message."""
    return repr(clip(name))


def is_id(value: Any) -> bool:
    """A user, anonymous or previous id: a non-empty string."""
    return isinstance(value, str) and value.strip() != ""


def is_group_id(value: Any) -> bool:
    """A group message's ``groupId``: a non-empty string or a number."""
    return is_id(value) or (isinstance(value, (int, float)) and not isinstance(value, bool))


def envelope_problems(message: Mapping[str, Any], *, file: str | None,
                      line: int | None) -> tuple[str | None, list[Diagnostic]]:
    """The message type (None when unknown) and the envelope's problems."""
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        what = "no `type`" if "type" not in message else f"`type` {shown(kind)}"
        return None, [CODES["PV101"].diagnostic(
            f"{what}: a message's type is one of {', '.join(MESSAGE_TYPES)}",
            file=file, line=line, path="type")]
    found: list[Diagnostic] = []
    if not (is_id(message.get("userId")) or is_id(message.get("anonymousId"))):
        sent = {k: message[k] for k in ("userId", "anonymousId") if k in message}
        detail = ", ".join(f"{k} is {shown(v)}" for k, v in sent.items()) or "neither is sent"
        found.append(CODES["PV104"].diagnostic(
            f"userId or anonymousId must be a non-empty string ({detail})",
            file=file, line=line, path="userId" if "userId" in message else "anonymousId"))
    if kind == "alias" and not is_id(message.get("previousId")):
        found.append(CODES["PV104"].diagnostic(
            f"an alias message needs previousId, a non-empty string (got "
            f"{shown(message.get('previousId')) if 'previousId' in message else 'nothing'})",
            file=file, line=line, path="previousId"))
    for field in TIMESTAMP_FIELDS:
        value = message.get(field)
        if value is not None and not is_timestamp(value):
            found.append(CODES["PV105"].diagnostic(
                f"{field} {shown(value)} is not an ISO-8601 date-time "
                "(such as 2026-11-26T10:00:00.000Z)", file=file, line=line, path=field))
    return kind, found


def is_timestamp(value: Any) -> bool:
    """An ISO-8601 date and time: what ``datetime.fromisoformat`` accepts, with the date and
    the hours and minutes in extended form (``2026-11-26T10:00...``).

    Remembered for the last few thousand values: a log repeats timestamps (``sentAt`` and
    ``receivedAt`` are shared by a batch, busy sources send many messages a second).
    """
    if type(value) is not str:
        return _is_timestamp(value)
    known = _TIMESTAMPS.get(value)
    if known is not None:
        return known
    # _is_timestamp inlined: this runs for nearly every timestamp of a high-cardinality log
    if len(value) < 16 or value[4] != "-" or value[7] != "-" or value[10] not in _SEPARATORS \
            or value[13] != ":":
        checked = False
    else:
        try:
            _fromisoformat(value)
            checked = True
        except ValueError:
            checked = False
    if len(value) <= 64:
        if len(_TIMESTAMPS) >= _TIMESTAMPS_KEPT:
            _TIMESTAMPS.clear()
        _TIMESTAMPS[value] = checked
    return checked


_TIMESTAMPS: dict[str, bool] = {}
_TIMESTAMPS_KEPT = 4_096


def _is_timestamp(value: Any) -> bool:
    """:func:`is_timestamp`, computed.

    Checked on every message, so the form is checked by position rather than by a regular
    expression (half the time): the positions of ``-``, ``T`` and ``:`` pin down the form,
    and fromisoformat accepts nothing but ASCII digits around them.
    (fromisoformat alone also takes a bare date or the basic form, 20261126T1000.)
    tests/test_validate_speed.py holds it equal to a regular expression + fromisoformat.
    """
    if not isinstance(value, str) or len(value) < 16 or value[4] != "-" or value[7] != "-" \
            or value[10] not in _SEPARATORS or value[13] != ":":
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_SEPARATORS = frozenset("Tt ")
_fromisoformat = datetime.fromisoformat

#: A quick yes for the timestamps SDKs send (``2026-11-26T10:00:00.123Z``): a match is a
#: date and time fromisoformat takes (days up to 28 only, so every month has them; ASCII
#: digits; offsets within a day), so :func:`is_timestamp` says yes too; anything else is
#: left to it. (tests/test_validate_speed.py holds the two to that.)
QUICK_TIMESTAMP = re.compile(
    r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])T(?:[01][0-9]|2[0-3])"
    r":[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
).fullmatch
