"""PL208: event names follow an Object-Action template with allowed words per part."""

from __future__ import annotations

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
    strict: re.Pattern[str]  # each part limited to its vocabulary
    loose: re.Pattern[str]  # each part any text: tells a wrong shape from a wrong word


def _compile(pattern: str, vocabulary: Mapping[str, tuple[str, ...]]) -> Template:
    parts: list[str] = []
    strict: list[str] = []
    loose: list[str] = []
    position = 0
    for match in _PART.finditer(pattern):
        literal = re.escape(pattern[position:match.start()])
        strict.append(literal)
        loose.append(literal)
        name = match.group(1)
        parts.append(name)
        words = sorted(vocabulary.get(name, ()), key=len, reverse=True)
        allowed = "|".join(re.escape(w) for w in words) if words else ".+?"
        strict.append(f"(?P<{name}>{allowed})")
        loose.append(f"(?P<{name}>.+?)")
        position = match.end()
    tail = re.escape(pattern[position:])
    return Template(tuple(parts), vocabulary, re.compile("".join(strict) + tail),
                    re.compile("".join(loose) + tail))


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
        if template.strict.fullmatch(name):
            continue
        where = ctx.key_location(path)
        shape = template.loose.fullmatch(name)
        if shape is None:
            yield RULES["PL208"].diagnostic(
                f"event name {name!r} does not fit the template {setting['pattern']!r}",
                where, path=ctx.path_text(path), event=name)
            continue
        for part in template.parts:
            word = shape.group(part)
            allowed = vocabulary.get(part)
            if allowed and word not in allowed:
                hint = did_you_mean(word, allowed)
                yield RULES["PL208"].diagnostic(
                    f"event name {name!r}: {word!r} is not an allowed {part} "
                    f"(allowed: {', '.join(allowed)})"
                    + (f"; did you mean {hint!r}?" if hint else ""),
                    where, path=ctx.path_text(path), event=name,
                    suggestion=name.replace(word, hint, 1) if hint else None)
                break
