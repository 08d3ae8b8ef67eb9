"""Quick yes-answers for format checks that are costly and common in event logs.

The ``uri`` check jsonschema uses (rfc3986-validator) is one large backtracking regular
expression: a few microseconds per URL, and a log's URLs are nearly all different, so no
cache helps. Most URLs a log holds are plain ``scheme://host/path?query#fragment`` with
unreserved characters only. :data:`QUICK` matches a subset of what the full check accepts
(scheme, ``//``, a host of reg-name characters and an optional port, no user info, no
percent escapes, then path, query and fragment characters as RFC 3986 allows them), so a
match is a yes; anything else goes to the full check, which decides. The format's answers
are unchanged (tests/test_engine_formats.py holds the two to the same answers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# The character classes are RFC 3986's (and rfc3986-validator's): reg-name characters for
# the host, pchar (plus "/") for the path, pchar plus "/" and "?" for query and fragment.
_HOST = r"[a-zA-Z0-9_.~\-!$&'()*+,;=]*"
_PATH = r"[a-zA-Z0-9_.~\-!$&'()*+,;=:@/]*"
_QUERY = r"[a-zA-Z0-9_.~\-!$&'()*+,;=:@/?]*"
URI_PATTERN = (rf"^[a-zA-Z][a-zA-Z0-9+.\-]*://{_HOST}(?::[0-9]*)?(?:/{_PATH})?"
               rf"(?:\?{_QUERY})?(?:#{_QUERY})?\Z")
_URI = re.compile(URI_PATTERN)

#: Regular expressions a value of a format matches only when the full check accepts it
#: (a search, as msgspec's ``Meta(pattern=...)`` runs it): for ``email``, jsonschema's check
#: itself (an ``@`` anywhere); for URIs, :data:`QUICK`'s.
SURE_PATTERNS = {"uri": URI_PATTERN, "uri-reference": URI_PATTERN, "email": "@"}

#: format name -> a function that is True only for values the full check accepts.
QUICK: dict[str, Callable[[str], Any]] = {
    "uri": _URI.match,
    "uri-reference": _URI.match,  # (a URI is a URI reference)
}
