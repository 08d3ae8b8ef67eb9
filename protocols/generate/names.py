"""Identifiers for generated code: any plan name becomes a valid, unique, stable identifier.

Plan names are free text ("42_--terrible==\\"event'++name~!3", "Café ☕ Opened", "class").
Generated code needs identifiers, so each name is:

1. transliterated to ASCII (accents dropped by NFKD; any other character that is not a letter
   or digit becomes a word ``u<hex>``, so "☕" and "🎉" stay distinct instead of vanishing;
   ASCII punctuation separates words),
2. split into words with :func:`protocols.naming.split_words` and spelt in the target's case
   style with :func:`protocols.naming.convert`,
3. given a prefix when it would start with a digit, and a trailing ``_`` when it is a reserved
   word or builtin of the target language,
4. made unique within its scope. Names that collide after conversion ("Event Collided" and
   "event_collided") are ordered by wire name, the wire name already spelt like the identifier
   first, and the others get ``_2``, ``_3``... Only colliding names take part, so adding an
   unrelated event never renames existing functions.

Identifiers are ASCII only: Python folds identifiers with NFKC (two different names could
become one) and ASCII is valid in every target.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from protocols.generate.emitter import CallKey
from protocols.generate.model import Call, ClientModel, ObjectType
from protocols.naming import CaseStyle, convert, split_words

_WORD_CHARS = re.compile(r"[A-Za-z0-9]")


def ascii_words(name: str) -> str:
    """``name`` with every character an identifier cannot hold turned into a separator."""
    out: list[str] = []
    for char in name:
        if _WORD_CHARS.fullmatch(char):
            out.append(char)
            continue
        if char.isascii():  # ASCII punctuation and symbols separate words
            out.append(" ")
            continue
        decomposed = unicodedata.normalize("NFKD", char)
        plain = "".join(c for c in decomposed if _WORD_CHARS.fullmatch(c))
        if plain and not unicodedata.category(char).startswith(("P", "S", "Z", "C")):
            out.append(plain)
        elif char.isalnum() or unicodedata.category(char).startswith("S"):
            # A letter with no ASCII form, or a symbol such as an emoji: keep it as a word.
            out.append(f" u{ord(char):x} ")
        else:
            out.append(" ")
    return "".join(out)


def base_identifier(name: str, style: CaseStyle, *, fallback: str) -> str:
    """The identifier ``name`` spells in ``style``, before reserved words and uniqueness."""
    words = split_words(ascii_words(name))
    if not words:
        words = split_words(fallback)
    ident = convert(" ".join(words), style)
    if ident[:1].isdigit():
        prefix = convert(fallback, style)
        joiner = "_" if style in (CaseStyle.SNAKE, CaseStyle.MACRO) else ""
        if style in (CaseStyle.CAMEL, CaseStyle.PASCAL):
            ident = prefix + ident
        else:
            ident = prefix + joiner + ident
    return ident


@dataclass(frozen=True)
class NamingPolicy:
    """How one target language spells one kind of identifier."""

    style: CaseStyle
    reserved: frozenset[str]
    fallback: str  # used when a name has no letters or digits, and before a leading digit

    def base(self, name: str) -> str:
        ident = base_identifier(name, self.style, fallback=self.fallback)
        while ident in self.reserved:
            ident += "_"
        return ident


def assign(names: Iterable[str], policy: NamingPolicy, *,
           taken: Iterable[str] = ()) -> dict[str, str]:
    """Map each wire name to a unique identifier, deterministically and stably.

    ``taken`` holds identifiers already used in the same scope (helpers of the generated code).
    """
    wire_names = sorted(set(names))
    groups: dict[str, list[str]] = defaultdict(list)
    for wire in wire_names:
        groups[policy.base(wire)].append(wire)
    used = set(taken) | set(groups)
    result: dict[str, str] = {}
    for base, members in groups.items():
        # The name already spelt like its identifier keeps it; then sorted wire names.
        members.sort(key=lambda wire: (wire != base, wire))
        for index, wire in enumerate(members):
            if index == 0 and base not in set(taken):
                result[wire] = base
                continue
            counter = index + 1 if index else 2
            candidate = _numbered(base, counter, policy)
            while candidate in used:
                counter += 1
                candidate = _numbered(base, counter, policy)
            used.add(candidate)
            result[wire] = candidate
    return result


def _numbered(base: str, counter: int, policy: NamingPolicy) -> str:
    separator = "_" if policy.style in (CaseStyle.SNAKE, CaseStyle.MACRO) else ""
    return f"{base.rstrip('_')}{separator}{counter}"


def assign_paths(hints: Mapping[tuple[str, ...], tuple[str, ...]], policy: NamingPolicy, *,
                 taken: Iterable[str] = ()) -> dict[tuple[str, ...], str]:
    """Like :func:`assign` for names made of several words (a type named by its path).

    ``hints`` maps a stable key to the words of the name; keys sort the collisions.
    """
    joined = {key: " ".join(words) for key, words in hints.items()}
    by_text: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for key, text in joined.items():
        by_text[text].append(key)
    # Distinct keys may share a text; make the text unique by a stable, sorted numbering.
    unique_text: dict[tuple[str, ...], str] = {}
    for text, keys in by_text.items():
        for index, key in enumerate(sorted(keys)):
            unique_text[key] = text if index == 0 else f"{text} {index + 1}"
    names = assign(unique_text.values(), policy, taken=taken)
    return {key: names[text] for key, text in unique_text.items()}


def client_names(model: ClientModel, objects: Iterable[ObjectType], types: NamingPolicy,
                 methods: NamingPolicy
                 ) -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    """The identifiers every emitter gives a client, under its language's policies: a type
    name per object type (by key) and per named type (``("type", name)``), and a method name
    per call (by its sort key)."""
    hints: dict[tuple[str, ...], tuple[str, ...]] = {obj.key: obj.hint for obj in objects}
    hints.update({("type", name): (name,) for name in model.named_types})
    return assign_paths(hints, types), method_names(model, methods)


def method_names(model: ClientModel, policy: NamingPolicy, *,
                 calls: Iterable[Call] | None = None) -> dict[tuple[str, ...], str]:
    """A method name per call (by its sort key), under a language's policy.

    ``calls`` limits the calls named (those the language's SDK can send); by default all.
    """
    chosen = model.calls if calls is None else tuple(calls)
    return assign_paths({call.sort_key: call.name_words for call in chosen}, policy)


def call_methods(model: ClientModel, policy: NamingPolicy, *,
                 calls: Iterable[Call] | None = None) -> dict[CallKey, str]:
    """:func:`method_names` keyed by (kind, wire name): what an emitter's record exposes."""
    chosen = model.calls if calls is None else tuple(calls)
    names = method_names(model, policy, calls=chosen)
    return {(call.kind, call.wire_name): names[call.sort_key] for call in chosen}
