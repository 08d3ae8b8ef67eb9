"""Plan text in generated code: string literals and comments nothing can break out of.

Names and descriptions come from plan files, which anyone can send in a pull request, so they
are data: every string literal is written with escapes for quotes, backslashes and any
character a tokenizer (or a reviewer) could read as something else: control and format
characters (bidirectional overrides: "Trojan Source"), line and paragraph separators
(U+2028/U+2029 end a line in JavaScript), surrogates and unassigned code points.
"""

from __future__ import annotations

import json
import unicodedata

# Categories written as escapes: control, format, line/paragraph separators, surrogates,
# private use, unassigned.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def is_unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _py_escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def py_str(text: str) -> str:
    """A double-quoted Python string literal whose value is exactly ``text``."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif is_unsafe(char) or not char.isprintable() or ord(char) > 0x7E:
            out.append(_py_escape(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def py_doc(text: str) -> str:
    """Text safe between triple double quotes of a (non-raw) Python docstring.

    Backslashes and quotes are escaped, so ``\"\"\"`` cannot close the docstring and ``\\N``
    cannot start an escape; unsafe characters become escapes; newlines stay lines.
    """
    out: list[str] = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char in "\n\t":
            out.append(char)
        elif is_unsafe(char):
            out.append(_py_escape(char))
        else:
            out.append(char)
    return "".join(out)


def js_str(text: str) -> str:
    """A double-quoted JavaScript/TypeScript string literal (JSON, all non-ASCII escaped).

    JSON's escapes are all valid JavaScript; with every non-ASCII character escaped, U+2028
    and U+2029 cannot end the line, and ``${`` means nothing in a double-quoted string.
    """
    return json.dumps(text, ensure_ascii=True)


def go_str(text: str) -> str:
    """A double-quoted Go string literal whose value is exactly ``text``, in ASCII.

    Non-ASCII characters are written ``\\u``/``\\U`` escapes (never ``\\x``, which is a byte
    in Go, not a character). A lone surrogate has no UTF-8 form, so no Go string can hold it:
    it is refused (:class:`ValueError`) rather than sent as something else.
    """
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"a lone surrogate (U+{code:04X}) cannot be written in a Go string")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def swift_str(text: str) -> str:
    """A double-quoted Swift string literal whose value is exactly ``text``, in ASCII.

    Backslashes are escaped, so ``\\(`` can never start an interpolation; everything outside
    printable ASCII is a ``\\u{...}`` escape. A lone surrogate is no Unicode scalar, so no
    Swift string can hold it: it is refused (:class:`ValueError`).
    """
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"a lone surrogate (U+{code:04X}) cannot be written in a Swift string")
        else:
            out.append(f"\\u{{{code:x}}}")
    out.append('"')
    return "".join(out)


def comment_text(text: str) -> str:
    """One line of comment text: no line breaks, no ``*/``, unsafe characters as escapes."""
    out: list[str] = []
    for char in text:
        if char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif is_unsafe(char):
            code = ord(char)
            out.append(f"\\u{{{code:04x}}}")
        else:
            out.append(char)
    return "".join(out).replace("*/", "*\\/")


def jsdoc(text: str, indent: str) -> list[str]:
    """A ``/** ... */`` block for ``text``: one comment line per text line."""
    lines = [comment_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    body = [f"{indent} * {line}".rstrip() for line in lines]
    return [f"{indent}/**", *body, f"{indent} */"]
