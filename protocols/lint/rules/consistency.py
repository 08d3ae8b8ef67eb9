"""Consistency rules: one concept, one name, one type; library entries that earn their place."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.jsontypes import json_type
from protocols.lint.context import LintContext
from protocols.lint.fragments import fragments
from protocols.lint.registry import RULES, rule
from protocols.naming import (
    EXAMPLES,
    collision_key,
    convert,
    dominant_style,
    edit_distance,
    near_duplicate,
    singular_key,
    split_words,
    styles_of,
)
from protocols.plan.model import JSON_TYPES
from protocols.plan.resolve import META_KEYS
from protocols.schemarefs import REFERENCE_KEYWORDS, defs_name, defs_target
from protocols.yamlsrc import PathKey

# -- PL109 -----------------------------------------------------------------------------------


def _references(ctx: LintContext) -> tuple[set[str], set[str]]:
    """Library property names and type names that the document refers to."""
    properties: set[str] = set()
    types: set[str] = set()
    own_types = set(ctx.data.get("types") or {})
    for fragment in fragments(ctx):
        if fragment.raw:
            # A raw block uses a type by reference: `$ref: "#/$defs/Name"` (or a place in it).
            for keyword in REFERENCE_KEYWORDS:
                target = defs_target(fragment.body.get(keyword))
                if target is not None and target[0] in own_types \
                        and fragment.path[:2] != ("types", target[0]):
                    types.add(target[0])
            continue
        body = fragment.body
        plan_keys = set(body) - META_KEYS - {k for k in body if str(k).startswith("x-")}
        is_entry = fragment.path == ("properties", fragment.name)
        if fragment.name is not None and not plan_keys and "use" not in body and not is_entry:
            properties.add(fragment.name)
        if isinstance(body.get("use"), str):
            properties.add(body["use"])
        declared = body.get("type")
        for name in declared if isinstance(declared, list) else [declared]:
            if isinstance(name, str) and name in own_types and fragment.path != ("types", name):
                types.add(name)
    return properties, types


@rule("PL109", "unused-library-entry", category="format", default=Severity.WARNING,
      summary="A library property or named type that nothing in the plan uses.")
def unused_library_entry(ctx: LintContext) -> Iterator[Diagnostic]:
    """A property in the plan's `properties:` library that no event, trait, page, screen,
    common property or other entry refers to (by name or with `use:`), or a shape under
    `types:` that no `type:` names (nor any `$ref` in a raw `schema:` block), is dead weight that readers still have to understand.
    Library files (with `library:`) are exempt: plans that import them use their entries.

    Failing:

    ```yaml
    properties:
      order_id: {type: string}
      coupon: {type: string}     # nothing uses it
    events:
      Order Completed:
        properties:
          order_id: {required: true}
    ```

    Passing:

    ```yaml
    properties:
      order_id: {type: string}
    events:
      Order Completed:
        properties:
          order_id: {required: true}
    ```
    """
    if ctx.is_library:
        return
    used_properties, used_types = _references(ctx)
    for name in ctx.data.get("properties") or {}:
        if name not in used_properties:
            yield RULES["PL109"].diagnostic(
                f"library property {name!r} is not used by any event, trait, page or screen",
                ctx.key_location(("properties", name)), path=ctx.path_text(("properties", name)))
    for name in ctx.data.get("types") or {}:
        if name not in used_types:
            yield RULES["PL109"].diagnostic(
                f"type {name!r} is not used by any `type: {name}`",
                ctx.key_location(("types", name)), path=ctx.path_text(("types", name)))


# -- PL205 -----------------------------------------------------------------------------------


def _looks_like_typo(a: str, b: str) -> bool:
    """naming.near_duplicate's typo verdict, checked word by word: "Viewed" and "Reviewed"
    are two words, not a slip of the finger, and short words (cart, card) differ on purpose."""
    words_a, words_b = split_words(a), split_words(b)
    if len(words_a) != len(words_b):
        return True
    for word_a, word_b in zip(words_a, words_b, strict=True):
        word_a, word_b = word_a.lower(), word_b.lower()
        if word_a == word_b:
            continue
        shortest = min(len(word_a), len(word_b))
        allowed = 2 if shortest >= 10 else 1 if shortest >= 5 else 0
        if edit_distance(word_a, word_b, allowed) > allowed:
            return False
    return True


@dataclass(frozen=True)
class _Name:
    text: str
    key: str  # naming.collision_key
    singular: str  # naming.singular_key


@lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, str]:
    # Property names repeat across events; singular_key (inflection) is the slow part.
    return collision_key(name), singular_key(name)


@lru_cache(maxsize=65536)
def _deletions(key: str, depth: int) -> frozenset[str]:
    """The key with up to ``depth`` characters deleted. Two keys within edit distance ``depth``
    (transpositions included) share at least one of these, so they find each other through a
    dictionary instead of a comparison of every pair."""
    found, frontier = {key}, {key}
    for _ in range(depth):
        frontier = {word[:i] + word[i + 1:] for word in frontier for i in range(len(word))}
        found |= frontier
    return frozenset(found)


#: Earlier names a name is compared with, at most (the first ones that may be near it). A
#: plan of 1,251 events named alike took lint 100 s comparing every pair.
MAX_CANDIDATES = 16


def _candidates(entries: Sequence[_Name]) -> list[list[int]]:
    """For each entry, the earlier entries that may be a near-duplicate of it, in order."""
    by_variant: dict[str, list[int]] = {}
    by_singular: dict[str, list[int]] = {}
    result: list[list[int]] = []
    for index, entry in enumerate(entries):
        # near_duplicate allows one edit below 10 characters and two from 10 on: keys under
        # 10 need only single deletions to find each other, which keeps the index small.
        size = len(entry.key)
        variants = frozenset() if size < 5 else _deletions(entry.key, 1 if size < 10 else 2)
        earlier = set(by_singular.get(entry.singular, ()))
        for variant in variants:
            earlier.update(by_variant.get(variant, ()))
        result.append(sorted(earlier)[:MAX_CANDIDATES])
        _keep(by_singular.setdefault(entry.singular, []), index)
        for variant in variants:
            _keep(by_variant.setdefault(variant, []), index)
    return result


def _keep(indexes: list[int], index: int) -> None:
    """The first MAX_CANDIDATES names of a bucket are kept: names that all look alike (a
    series such as "Step AAA", "Step AAB"...) would make every pair a candidate."""
    if len(indexes) < MAX_CANDIDATES:
        indexes.append(index)


def find_near_duplicates(names: Sequence[str]) -> list[tuple[int, int, str]]:
    """(index, earlier index, "typo" or "plural") for each name that nearly repeats an
    earlier one, pairing it with the first such name. Same answer as trying every earlier
    name with naming.near_duplicate, without comparing every pair, as long as no name has
    more than MAX_CANDIDATES earlier ones that may be near it (a series of alike names);
    past that, the first ones."""
    entries = [_Name(name, *_keys(name)) for name in names]
    found: list[tuple[int, int, str]] = []
    for index, (entry, candidates) in enumerate(
            zip(entries, _candidates(entries), strict=True)):
        for position in candidates:
            earlier = entries[position]
            if earlier.key == entry.key:
                continue  # a collision: PL203/PL204 report it
            if earlier.singular != entry.singular and edit_distance(earlier.key, entry.key,
                                                                    2) > 2:
                continue  # short keys share deletion variants without being close
            why = near_duplicate(earlier.text, entry.text)
            if why == "typo" and not _looks_like_typo(earlier.text, entry.text):
                continue
            if why in ("typo", "plural"):
                found.append((index, position, why))
                break
    return found


def _near_duplicates(ctx: LintContext, what: str, names: Sequence[tuple[str, PathKey]]
                     ) -> Iterator[Diagnostic]:
    for index, position, why in find_near_duplicates([name for name, _ in names]):
        (name, path), (earlier, earlier_path) = names[index], names[position]
        line = ctx.key_location(earlier_path).line
        detail = ("differ only by singular and plural" if why == "plural"
                  else "differ by a letter or two")
        yield RULES["PL205"].diagnostic(
            f"{what} {name!r} and {earlier!r} (line {line}) {detail}: one concept spelt two "
            f"ways splits its data; did you mean {earlier!r}?",
            ctx.key_location(path), path=ctx.path_text(path), suggestion=earlier)


@rule("PL205", "near-duplicate", category="naming", default=Severity.WARNING,
      summary="Two names that are a typo or a singular/plural apart.")
def near_duplicate_names(ctx: LintContext) -> Iterator[Diagnostic]:
    """Event names (within events, pages or screens) and property names within one object
    that look like the same concept spelt twice: a small typo ("Order Completed" and "Order
    Complted") or singular and plural ("product" and "products"). Each later name is reported
    with the earlier one as did-you-mean. Names that differ only by case or separators are
    PL203/PL204; numbered variants (`step_1`, `step_2`) and short words that differ on
    purpose (`cart_id`, `card_id`) are not reported.

    Failing:

    ```yaml
    events:
      Product Viewed: {}
      Product Veiwed: {}
    ```

    Passing:

    ```yaml
    events:
      Product Viewed: {}
      Product Reviewed: {}
    ```
    """
    for section in ("events", "pages", "screens"):
        events: list[tuple[str, PathKey]] = [
            (name, (section, name)) for name in ctx.data.get(section) or {}]
        yield from _near_duplicates(ctx, "event name" if section == "events"
                                    else f"{section[:-1]} name", events)
    siblings: dict[PathKey, list[tuple[str, PathKey]]] = {}
    for prop in ctx.property_names():
        siblings.setdefault(prop.path[:-1], []).append((prop.name, prop.path))
    for names in siblings.values():
        yield from _near_duplicates(ctx, "property", names)


# -- PL206 -----------------------------------------------------------------------------------


def type_signature(schema: Any) -> frozenset[str] | None:
    """The kinds of value a property schema accepts, null aside and integer counted as number
    (a warehouse stores both in one numeric column); a named type counts as its own kind.
    None when the schema does not say (no type at all)."""
    if not isinstance(schema, Mapping):
        return None
    found: set[str] = set()
    ref = schema.get("$ref")
    if isinstance(ref, str):  # a named type by its name; any other place as written
        found.add(defs_name(ref) or ref)
    declared = schema.get("type")
    if declared is not None:
        names = declared if isinstance(declared, list) else [declared]
        found.update(str(n) for n in names if n in JSON_TYPES)
    elif "const" in schema:
        found.add(json_type(schema["const"], numbers="number"))
    elif isinstance(schema.get("enum"), list):
        found.update(json_type(v, numbers="number") for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list):
            signatures = [type_signature(m) for m in members]
            if any(s is None for s in signatures):
                return None
            found.update(*[s for s in signatures if s is not None])
    found.discard("null")
    if "integer" in found:
        found.discard("integer")
        found.add("number")
    return frozenset(found) or None


def _shown_types(signature: frozenset[str]) -> str:
    return " or ".join(sorted(signature))


@rule("PL206", "conflicting-property-types", category="naming", default=Severity.ERROR,
      summary="One property name with different types in different events or traits.")
def conflicting_property_types(ctx: LintContext) -> Iterator[Diagnostic]:
    """A property name means one thing across the plan: `price` that is a number in one
    event and a string in another ends up as two columns, or as a column of mixed values, in
    every warehouse. Types are compared after resolving library references and named types,
    over the top-level properties and traits of every event, identify, group, page and screen
    (members of nested objects and named types are a scope of their own: a filter's `value`
    need not be the order's `value`). `null` (from `nullable`) is ignored and `integer` counts
    as `number`. The type most occurrences use is the norm; each other occurrence is reported.

    Failing:

    ```yaml
    events:
      Product Viewed:
        properties:
          price: {type: number}
      Product Added:
        properties:
          price: {type: string}
    ```

    Passing:

    ```yaml
    events:
      Product Viewed:
        properties:
          price: {type: number}
      Product Added:
        properties:
          price: {type: number, minimum: 0}
    ```
    """
    plan = ctx.plan
    if plan is None:
        return
    seen: dict[str, list[tuple[frozenset[str], str, Location, PathKey]]] = {}
    for spec in plan.messages():
        for name, schema in (spec.schema.get("properties") or {}).items():
            signature = type_signature(schema)
            if signature is not None:
                payload_path = (*spec.plan_path, spec.payload_field, name)
                seen.setdefault(name, []).append(
                    (signature, spec.label, spec.locate(("properties", name)), payload_path))
    for name, uses in seen.items():
        counts = Counter(signature for signature, *_ in uses)
        if len(counts) < 2:
            continue
        norm = max(counts, key=lambda s: (counts[s], -[u[0] for u in uses].index(s)))
        example = next(u for u in uses if u[0] == norm)
        for signature, label, where, path in uses:
            if signature == norm or where.file != ctx.file:
                continue
            others = counts[norm] - 1
            more = ("" if not others else " and 1 other place" if others == 1
                    else f" and {others} other places")
            yield RULES["PL206"].diagnostic(
                f"property {name!r} is {_shown_types(signature)} in {label} but "
                f"{_shown_types(norm)} in {example[1]} (line {example[2].line}){more}: one "
                "name should have one type", where, path=ctx.path_text(path))


# -- PL207 -----------------------------------------------------------------------------------


@rule("PL207", "enum-mixed-case", category="naming", default=Severity.WARNING,
      summary="The string values of one enum mix case styles.")
def enum_mixed_case(ctx: LintContext) -> Iterator[Diagnostic]:
    """Enum values are data people filter and group by; `["email", "Google", "APPLE_ID"]`
    makes every query guess the spelling. When no case style fits all string values, each
    value outside the style most of them follow is reported with the value converted to it
    (or, with no majority, the enum once). Values that fit no style at all (`en-US`, `1.5`)
    are left alone.

    Failing:

    ```yaml
    properties:
      login_method: {type: string, enum: [email, google, APPLE_ID]}
    ```

    Passing:

    ```yaml
    properties:
      login_method: {type: string, enum: [email, google, apple_id]}
    ```
    """
    for fragment in fragments(ctx):
        enum = fragment.body.get("enum")
        if not isinstance(enum, list):
            continue
        values = [(i, v, styles_of(v)) for i, v in enumerate(enum)
                  if isinstance(v, str) and v]
        values = [(i, v, s) for i, v, s in values if s]
        if len(values) < 2 or frozenset.intersection(*(s for _, _, s in values)):
            continue
        style = dominant_style(v for _, v, _ in values)
        if style is None:
            path = (*fragment.path, "enum")
            shown = ", ".join(repr(v) for _, v, _ in values)
            yield RULES["PL207"].diagnostic(
                f"enum values {shown} mix case styles and no style is used by most of them; "
                "pick one (conventions.property_case is a good default)",
                ctx.value_location(path), path=ctx.path_text(path))
            continue
        for index, value, styles in values:
            if style in styles:
                continue
            path = (*fragment.path, "enum", index)
            fixed = convert(value, style)
            yield RULES["PL207"].diagnostic(
                f"enum value {value!r} is not {style.value} case (like {EXAMPLES[style]!r}) "
                f"as most values are; expected {fixed!r}",
                ctx.value_location(path), path=ctx.path_text(path), suggestion=fixed)

