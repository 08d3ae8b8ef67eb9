"""Case styles, name conversion and collision keys: the one place naming logic lives.

``lint`` uses it to check plan names and find collisions; ``validate`` uses the same
functions to recognise naming drift in real traffic ("Order-Completed" against the planned
"Order Completed"); ``generate`` uses it to derive identifiers.

The collision key of a name ignores case and the separators people disagree on (spaces,
hyphens, underscores), so "Signed In", "signed-in", "signed_in" and "signedIn" share one key.
Converting a name to any case style keeps its collision key.
"""

from __future__ import annotations

import difflib
import enum
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import inflection


class CaseStyle(enum.Enum):
    TITLE = "title"  # Order Completed (minor words such as "to" may stay lower case)
    SENTENCE = "sentence"  # Order completed
    SNAKE = "snake"  # order_completed
    CAMEL = "camel"  # orderCompleted
    PASCAL = "pascal"  # OrderCompleted
    KEBAB = "kebab"  # order-completed
    FLAT = "flat"  # ordercompleted
    MACRO = "macro"  # ORDER_COMPLETED
    LOWER = "lower"  # order completed

    @classmethod
    def parse(cls, text: str) -> CaseStyle:
        try:
            return cls(text.strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown case style {text!r} (choose one of {choices})") from None


EXAMPLES = {
    CaseStyle.TITLE: "Order Completed",
    CaseStyle.SENTENCE: "Order completed",
    CaseStyle.SNAKE: "order_completed",
    CaseStyle.CAMEL: "orderCompleted",
    CaseStyle.PASCAL: "OrderCompleted",
    CaseStyle.KEBAB: "order-completed",
    CaseStyle.FLAT: "ordercompleted",
    CaseStyle.MACRO: "ORDER_COMPLETED",
    CaseStyle.LOWER: "order completed",
}

# The styles a one-word lower-case name fits: such a name says nothing about the style.
ONE_WORD_STYLES = frozenset({CaseStyle.SNAKE, CaseStyle.CAMEL, CaseStyle.FLAT,
                              CaseStyle.LOWER, CaseStyle.KEBAB})

# Words that Title Case leaves in lower case unless they come first ("Product Added to Wishlist").
MINOR_WORDS = frozenset(
    "a an and as at but by for from in into nor of on onto or per the to via vs with".split()
)

_SEPARATORS = re.compile(r"[\s_\-]+")
# Word boundaries inside a token: "HTMLParser" -> HTML Parser, "orderId2" -> order Id2.
_ACRONYM_BOUNDARY = re.compile(r"(?<=[^\W_])(?=[A-Z][a-z])(?<=[A-Z])")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

# A lower-case letter followed by an upper-case one: a camelCase hump inside one word.
_HUMP = re.compile(r"[a-z][A-Z]")
_PATTERNS = {
    CaseStyle.SNAKE: re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*"),
    CaseStyle.CAMEL: re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*"),
    CaseStyle.PASCAL: re.compile(r"(?:[A-Z][a-z0-9]*)+"),
    CaseStyle.KEBAB: re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"),
    CaseStyle.FLAT: re.compile(r"[a-z][a-z0-9]*"),
    CaseStyle.MACRO: re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*"),
    CaseStyle.LOWER: re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*"),
}


def split_words(name: str) -> list[str]:
    """Split a name into words on separators and camelCase boundaries.

    Every character other than a separator is kept, so joining the words again loses nothing
    the collision key looks at.
    """
    words: list[str] = []
    for token in _SEPARATORS.split(name):
        if not token:
            continue
        token = _ACRONYM_BOUNDARY.sub(" ", token)
        token = _CAMEL_BOUNDARY.sub(" ", token)
        words.extend(part for part in token.split(" ") if part)
    return words


def _capitalize(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def convert(name: str, style: CaseStyle) -> str:
    """Spell ``name`` in ``style``. Acronyms are not preserved: "SKU Added" -> "sku_added"."""
    words = split_words(name)
    if not words:
        return name
    lower = [w.lower() for w in words]
    if style is CaseStyle.TITLE:
        last = len(lower) - 1
        return " ".join(
            w if 0 < i < last and w in MINOR_WORDS else _capitalize(w)
            for i, w in enumerate(lower)
        )
    if style is CaseStyle.SENTENCE:
        return " ".join([_capitalize(lower[0]), *lower[1:]])
    if style is CaseStyle.SNAKE:
        return "_".join(lower)
    if style is CaseStyle.CAMEL:
        return lower[0] + "".join(_capitalize(w) for w in lower[1:])
    if style is CaseStyle.PASCAL:
        return "".join(_capitalize(w) for w in lower)
    if style is CaseStyle.KEBAB:
        return "-".join(lower)
    if style is CaseStyle.FLAT:
        return "".join(lower)
    if style is CaseStyle.MACRO:
        return "_".join(w.upper() for w in words)
    return " ".join(lower)


def matches(name: str, style: CaseStyle) -> bool:
    """Whether ``name`` is already written in ``style`` (acronyms allowed in Title/Sentence)."""
    if style is CaseStyle.TITLE:
        words = name.split(" ")
        return all(words) and all(
            (w[:1].isupper() or w[:1].isdigit() or (i and w in MINOR_WORDS))
            and not re.search(r"[\W_]", w)
            and not _HUMP.search(w)
            for i, w in enumerate(words)
        )
    if style is CaseStyle.SENTENCE:
        words = name.split(" ")
        return (
            all(words)
            and (words[0][:1].isupper() or words[0][:1].isdigit())
            and not any(re.search(r"[\W_]", w) or _HUMP.search(w) for w in words)
            and all(w.islower() or w.isupper() or w.isdigit() for w in words[1:])
            and (words[0][1:].islower() or words[0].isupper() or len(words[0]) == 1
                 or words[0][1:].isdigit())
        )
    return _PATTERNS[style].fullmatch(name) is not None


def styles_of(name: str) -> frozenset[CaseStyle]:
    """Every style that ``name`` satisfies ("order" is snake, camel, kebab, flat and lower)."""
    return frozenset(style for style in CaseStyle if matches(name, style))


def dominant_style(names: Iterable[str]) -> CaseStyle | None:
    """The style most names follow; names that fit many styles count for each of them.

    Ties are broken by a fixed order (title, snake, camel, ...) so results are stable.
    Returns None when no style fits at least half of the names.
    """
    names = list(names)
    if not names:
        return None
    counts: Counter[CaseStyle] = Counter()
    for name in names:
        counts.update(styles_of(name))
    order = list(CaseStyle)
    best = max(order, key=lambda s: (counts[s], -order.index(s)))
    return best if counts[best] * 2 >= len(names) else None


CLEAR_SHARE = 0.8  # of the names that tell styles apart, how many one style needs


def clear_style(names: Iterable[str], *, share: float = CLEAR_SHARE) -> CaseStyle | None:
    """The style a set of names clearly follows, or None when they are mixed.

    Only names that tell styles apart vote ("order" is snake, camel, flat and lower alike; a
    name with several words is not): the style needs ``share`` of those votes. A plan imported
    from several teams, half snake_case and half camelCase, has no clear style, and reporting
    every name of one half against the other helps nobody.
    """
    names = list(names)
    telling = [styles for styles in (styles_of(name) for name in names)
               if styles and not styles >= ONE_WORD_STYLES]
    if not telling:
        return dominant_style(names)
    return _best(telling, share)


def _best(votes: list[frozenset[CaseStyle]], share: float) -> CaseStyle | None:
    counts: Counter[CaseStyle] = Counter()
    for styles in votes:
        counts.update(styles)
    order = list(CaseStyle)
    best = max(order, key=lambda s: (counts[s], -order.index(s)))
    return best if counts[best] >= share * len(votes) else None


def collision_key(name: str) -> str:
    """The name with case and separators (spaces, hyphens, underscores) ignored.

    Idempotent, and stable under :func:`convert` to any style.
    """
    key = name
    # Normalising can expose new separators and folding can create new compositions
    # ("R\u00b8" becomes "R \u0327"), so repeat until nothing changes; that makes the key idempotent.
    for _ in range(8):
        folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", key))
        # upper() then casefold() makes the key agree for characters whose upper-case form
        # folds differently from the character itself (e.g. the German sharp s).
        folded = unicodedata.normalize(
            "NFKC", "".join(ch.upper().casefold() for ch in folded))
        if folded == key:
            break
        key = folded
    return key


def first_by_key(names: Iterable[str]) -> dict[str, str]:
    """Each :func:`collision_key` of ``names`` with the first name that has it: how a name
    spelt another way is matched to the planned one."""
    keys: dict[str, str] = {}
    for name in names:
        keys.setdefault(collision_key(name), name)
    return keys


def normalized_value(value: str) -> str:
    """Key for enum values that differ only by case or separators ("Email" vs "email")."""
    return collision_key(value)


@lru_cache(maxsize=65536)
def singular_key(name: str) -> str:
    """Collision key with plurals made singular, for singular/plural near-duplicates."""
    words = split_words(name)
    if not words:
        return collision_key(name)
    return collision_key(" ".join(inflection.singularize(w) for w in words))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count once), capped at ``limit + 1``.

    Only the cells within ``limit`` of the diagonal are computed (a path through any other
    costs more than ``limit``): linear in the names' length, not quadratic."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    width = len(b)
    previous_previous: list[int] = []
    previous = [j if j <= limit else over for j in range(width + 1)]
    for i, ca in enumerate(a, start=1):
        low, high = max(1, i - limit), min(width, i + limit)
        current = [over] * (width + 1)
        if i <= limit:
            current[0] = i
        for j in range(low, high + 1):
            cb = b[j - 1]
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value if value < over else over
        if min(current[max(0, low - 1):high + 1]) > limit:
            return over
        previous_previous, previous = previous, current
    return min(previous[-1], over)


def did_you_mean(name: str, candidates: Sequence[str], *, cutoff: float = 0.75) -> str | None:
    """The closest candidate: same collision key first, then a near spelling."""
    if not candidates:
        return None
    key = collision_key(name)
    keys, by_key = _candidate_keys(tuple(candidates))
    for candidate, candidate_key in zip(candidates, keys, strict=True):
        if candidate != name and candidate_key == key:
            return candidate
    close = difflib.get_close_matches(key, list(by_key), n=1, cutoff=cutoff)
    if close and by_key[close[0]] != name:
        return by_key[close[0]]
    return None


@lru_cache(maxsize=64)
def _candidate_keys(candidates: tuple[str, ...]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The collision keys of a list of candidates (a plan's names: the same list, asked
    about name after name), and the last candidate of each key."""
    keys = tuple(collision_key(c) for c in candidates)
    return keys, dict(zip(keys, candidates, strict=True))


def near_duplicate(a: str, b: str) -> str | None:
    """Why two different names look like the same thing, or None.

    Returns "case"/"separators" style collisions as "collision", a singular/plural pair as
    "plural", and a small typo (edit distance 1, or 2 for long names) as "typo".
    """
    key_a, key_b = collision_key(a), collision_key(b)
    if key_a == key_b:
        return "collision"
    if singular_key(a) == singular_key(b):
        return "plural"
    shortest = min(len(key_a), len(key_b))
    if shortest < 5:
        return None
    limit = 1 if shortest < 10 else 2
    if edit_distance(key_a, key_b, limit) <= limit:
        # Numbered variants ("step_1" / "step_2") are deliberate, not typos.
        if re.sub(r"\d", "", key_a) == re.sub(r"\d", "", key_b):
            return None
        return "typo"
    return None

