"""PL208: event names follow an Object-Action template with allowed words per part."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.lint.context import LintContext
from protocols.lint.registry import RULES, rule
from protocols.naming import did_you_mean
from protocols.yamlsrc import PathKey

_PART = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SETTING: PathKey = ("conventions", "event_template")


@dataclass(frozen=True)
class Template:
    parts: tuple[str, ...]
    vocabulary: Mapping[str, tuple[str, ...]]
    # The literal text before each part, and after the last one.
    literals: tuple[str, ...]
    # Each part any text, lazy or greedy in every combination: together they try the ways
    # of splitting a name between the parts ("Product List Clicked" as Product + List
    # Clicked, and as Product List + Clicked), so the blame goes to the right word.
    loose: tuple[re.Pattern[str], ...]

    def fits(self, name: str, *, strict: bool) -> bool:
        """Whether ``name`` has the template's shape (each part one or more characters; with
        ``strict``, a part with a vocabulary one of its words). Decided on the set of
        positions reachable after each piece, in time linear in the name for each part: the
        regular expression a template makes (``(.+?)(.+?)(.+?)!``) backtracks polynomially
        on a long name that does not fit, and both the template and the names come from
        the plan, that is from anyone."""
        size = len(name)
        reach = 1  # bit i: the pieces so far can end at position i
        for index, part in enumerate(self.parts):
            reach = _after_literal(name, reach, self.literals[index])
            words = self.vocabulary.get(part) if strict else None
            if not reach:
                return False
            if words:
                reach = _after_words(name, reach, words)
            else:  # any one or more characters
                lowest = (reach & -reach).bit_length() - 1
                reach = ((1 << (size + 1)) - 1) & ~((1 << (lowest + 1)) - 1)
        reach = _after_literal(name, reach, self.literals[-1])
        return bool(reach >> size & 1)


def _positions(reach: int) -> list[int]:
    found = []
    while reach:
        low = reach & -reach
        found.append(low.bit_length() - 1)
        reach ^= low
    return found


def _after_literal(name: str, reach: int, literal: str) -> int:
    if not literal:
        return reach
    return sum(1 << (i + len(literal)) for i in _positions(reach) if name.startswith(literal, i))


def _after_words(name: str, reach: int, words: tuple[str, ...]) -> int:
    found = 0
    for i in _positions(reach):
        for word in words:
            if word and name.startswith(word, i):
                found |= 1 << (i + len(word))
    return found


_MAX_SPLIT_PARTS = 4  # 2**4 loose patterns at most
# Longest name whose words are blamed one by one (the loose patterns backtrack); a longer
# name that does not fit is reported whole.
MAX_BLAMED_NAME = 256


def _compile(pattern: str, vocabulary: Mapping[str, tuple[str, ...]]) -> Template:
    parts: list[str] = []
    literals: list[str] = []
    position = 0
    for match in _PART.finditer(pattern):
        literals.append(pattern[position:match.start()])
        parts.append(match.group(1))
        position = match.end()
    literals.append(pattern[position:])
    loose: list[re.Pattern[str]] = []
    combos = itertools.product(("+?", "+"), repeat=len(parts)) if len(parts) <= _MAX_SPLIT_PARTS \
        else [("+?",) * len(parts)]
    for quantifiers in combos:
        text = "".join(f"{re.escape(lit)}(?P<{name}>.{q})"
                       for lit, name, q in zip(literals, parts, quantifiers, strict=False))
        loose.append(re.compile(text + re.escape(literals[-1]), re.DOTALL))
    return Template(tuple(parts), vocabulary, tuple(literals), tuple(loose))


def _outside_vocabulary(template: Template, name: str
                        ) -> list[tuple[str, str, tuple[int, int]]] | None:
    """(part, word, span) for each word outside its vocabulary in the best split of
    ``name``; [] when the name is too long to blame word by word; None when the name does
    not have the template's shape at all."""
    if not template.fits(name, strict=False):
        return None
    if len(name) > MAX_BLAMED_NAME:
        return []
    best: list[tuple[str, str, tuple[int, int]]] | None = None
    for loose in template.loose:
        # The name has the shape, so each pattern matches; with at most MAX_SPLIT_PARTS
        # parts and MAX_BLAMED_NAME characters, finding where takes little time.
        shape = loose.fullmatch(name)
        if shape is None:
            continue
        bad = [(part, shape.group(part), shape.span(part)) for part in template.parts
               if template.vocabulary.get(part) and
               shape.group(part) not in template.vocabulary[part]]
        if best is None or (len(bad), sum(len(w) for _, w, _ in bad)) < (
                len(best), sum(len(w) for _, w, _ in best)):
            best = bad
    return best


def _setting_problems(setting: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    pattern = setting.get("pattern", "")
    parts = _PART.findall(pattern)
    if not parts:
        yield (*_SETTING, "pattern"), (f"event_template pattern {pattern!r} has no parts: "
                                       "write them in braces, as in '{object} {action}'")
    for name in {p for p in parts if parts.count(p) > 1}:
        yield (*_SETTING, "pattern"), f"event_template part {{{name}}} appears twice"
    for name in setting.get("vocabulary") or {}:
        if name not in parts:
            hint = did_you_mean(name, parts)
            yield (*_SETTING, "vocabulary", name), (
                f"vocabulary for {name!r}, which the pattern {pattern!r} does not have"
                + (f"; did you mean {hint!r}?" if hint else ""))


@rule("PL208", "event-template", category="naming", default=Severity.ERROR,
      summary="Event names follow `conventions.event_template` (Object-Action).")
def event_template(ctx: LintContext) -> Iterator[Diagnostic]:
    """Only when `conventions.event_template` is set: every track event name fits its
    `pattern`, where each `{part}` stands for one or more words, and a part with a
    `vocabulary` list takes only the words listed (exactly as written, case included). A name
    with the right shape but a word outside the vocabulary gets a did-you-mean. Problems in
    the setting itself (no parts, a part twice, a vocabulary for a part the pattern lacks) are
    reported at the setting.

    Failing:

    ```yaml
    conventions:
      event_template:
        pattern: "{object} {action}"
        vocabulary:
          object: [Order, Product, Cart]
          action: [Viewed, Added, Removed, Completed]
    events:
      Order Finished: {}
    ```

    Passing:

    ```yaml
    conventions:
      event_template:
        pattern: "{object} {action}"
        vocabulary:
          object: [Order, Product, Cart]
          action: [Viewed, Added, Removed, Completed]
    events:
      Order Completed: {}
    ```
    """
    setting = (ctx.data.get("conventions") or {}).get("event_template")
    if not isinstance(setting, Mapping) or not isinstance(setting.get("pattern"), str):
        return
    problems = list(_setting_problems(setting))
    for path, message in problems:
        yield RULES["PL208"].diagnostic(message, ctx.value_location(path),
                                        path=ctx.path_text(path))
    if problems:
        return
    vocabulary = {name: tuple(str(w) for w in words or ())
                  for name, words in (setting.get("vocabulary") or {}).items()}
    template = _compile(setting["pattern"], vocabulary)
    for name, path in ctx.event_names():
        if template.fits(name, strict=True):
            continue
        where = ctx.key_location(path)
        bad = _outside_vocabulary(template, name)
        if not bad:
            yield RULES["PL208"].diagnostic(
                f"event name {name!r} does not fit the template {setting['pattern']!r}",
                where, path=ctx.path_text(path), event=name)
            continue
        reasons: list[str] = []
        fixed: str | None = name
        for part, word, (start, end) in reversed(bad):  # right to left keeps spans valid
            allowed = vocabulary[part]
            hint = did_you_mean(word, allowed)
            reasons.insert(0, f"{word!r} is not an allowed {part} (allowed: "
                           f"{', '.join(allowed)})" + (f"; did you mean {hint!r}?" if hint else ""))
            fixed = fixed[:start] + hint + fixed[end:] if fixed is not None and hint else None
        yield RULES["PL208"].diagnostic(
            f"event name {name!r}: " + "; ".join(reasons), where, path=ctx.path_text(path),
            event=name, suggestion=fixed)
