"""File names for pages: only ``[a-z0-9-]``, unique, stable, and safe on every file system.

A name from a plan never becomes part of a path or a URL as written: ``<script>`` or
``../../etc`` or ``CON`` are reduced to letters, digits and hyphens first, so a hostile name
can neither escape the output folder nor inject markup through an ``href``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

MAX_SLUG = 60
# Names Windows refuses as files, whatever the extension.
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
                       *(f"lpt{i}" for i in range(10))})


def slug(text: str, *, fallback: str = "page") -> str:
    """``Order Completed`` -> ``order-completed``; accents dropped, other marks removed."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", ascii_text).lower()
    cleaned = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:MAX_SLUG].strip("-")
    if not cleaned:
        cleaned = fallback
    if cleaned in _RESERVED:
        cleaned = f"{cleaned}-{fallback}"
    return cleaned


def unique_slugs(names: Iterable[str], *, fallback: str = "page",
                 taken: Iterable[str] = ()) -> dict[str, str]:
    """A distinct slug per name, in order. Names whose slugs collide (``Signed In`` and
    ``signed_in``) get a short hash of the name, so each keeps its slug whatever order the
    plan lists them in."""
    names = list(dict.fromkeys(names))
    bases = {name: slug(name, fallback=fallback) for name in names}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base] = counts.get(base, 0) + 1
    used = set(taken)
    out: dict[str, str] = {}
    for name in names:
        base = bases[name]
        candidate = base
        if counts[base] > 1 or base in used:
            digest = hashlib.sha256(name.encode("utf-8")).hexdigest()
            length = 6
            candidate = f"{base}-{digest[:length]}"
            while candidate in used:  # a hash prefix collision: take more of the hash
                length += 2
                candidate = f"{base}-{digest[:length]}"
        used.add(candidate)
        out[name] = candidate
    return out
