"""Decoding the escapes of C-family string literals (JS/TS, Java, Kotlin, Swift, Go).

One decoder for all: each language's literal is first cut to its body by its extractor, and
the escapes these languages share are turned into characters. An escape that is not valid
stays as written, so a name is never invented; a surrogate pair written as two ``\\u``
escapes becomes one character.
"""

from __future__ import annotations

import re

_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0",
           "\\": "\\", "'": "'", '"': '"', "`": "`", "$": "$", "/": "/", "a": "\a", "?": "?"}
_ESCAPE = re.compile(r"""\\(u\{[0-9A-Fa-f]{1,8}\}|u\([0-9A-Fa-f]{1,8}\)|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}
                          |x[0-9A-Fa-f]{2}|[0-7]{1,3}|\r\n|\n|.)""", re.VERBOSE | re.DOTALL)
_SURROGATES = re.compile("[\ud800-\udbff][\udc00-\udfff]")


def _one(match: re.Match[str]) -> str:
    body = match.group(1)
    head = body[0]
    if head == "u" and body[1:2] in ("{", "("):
        code = int(body[2:-1], 16)
    elif head in ("u", "U", "x"):
        code = int(body[1:], 16)
    elif head.isdigit() and (len(body) > 1 or head != "0"):
        code = int(body, 8)
    elif body in ("\n", "\r\n"):
        return ""  # a line continuation
    else:
        return _SIMPLE.get(body, match.group(0))
    if code > 0x10FFFF:
        return match.group(0)
    return chr(code)


def decode_escapes(body: str) -> str:
    if "\\" not in body:
        return body
    text = _ESCAPE.sub(_one, body)
    return _SURROGATES.sub(lambda m: m.group(0).encode("utf-16", "surrogatepass")
                           .decode("utf-16"), text)
