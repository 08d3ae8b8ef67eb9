"""Naming rules: names follow the plan's case styles and never collide."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from protocols.diagnostics import Diagnostic, Severity
from protocols.lint.context import LintContext
from protocols.lint.registry import RULES, rule
from protocols.naming import (
    EXAMPLES,
    ONE_WORD_STYLES,
    CaseStyle,
    clear_style,
    collision_key,
    convert,
    matches,
    styles_of,
)
from protocols.yamlsrc import PathKey


def _style_findings(ctx: LintContext, code: str, what: str, setting: str,
                    names: Iterable[tuple[str, PathKey]]) -> Iterator[Diagnostic]:
    names = list(names)
    configured = (ctx.data.get("conventions") or {}).get(setting)
    if configured:
        style, origin = CaseStyle.parse(configured), f"set by conventions.{setting}"
    else:
        # Without a convention, only a style the names clearly follow is the norm: a plan
        # that mixes styles (imported from several teams) gets no flood of case findings.
        found = clear_style(name for name, _ in names)
        if found is None:
            return
        style, origin = found, "the style most names in this plan use"
    example = _example(names, style)
    for name, path in names:
        if not matches(name, style):
            fixed = convert(name, style)
            if fixed == name:
                continue  # nothing to suggest: the style cannot spell this name
            yield RULES[code].diagnostic(
                f"{what} {name!r} is not {style.value} case (like {example!r}, "
                f"{origin}); expected {fixed!r}",
                ctx.key_location(path), path=ctx.path_text(path), suggestion=fixed)


def _example(names: list[tuple[str, PathKey]], style: CaseStyle) -> str:
    """A name from the plan itself written in ``style``, preferring one of several words (it
    shows the style best); the generic example when the plan has none."""
    fitting = [name for name, _ in names if matches(name, style)]
    telling = [name for name in fitting if not styles_of(name) >= ONE_WORD_STYLES]
    return (telling or fitting or [EXAMPLES[style]])[0]


@rule("PL201", "event-case", category="naming", default=Severity.ERROR,
      summary="Event names follow the plan's event case style.")
def event_case(ctx: LintContext) -> Iterator[Diagnostic]:
    """Event, page and screen names are written in `conventions.event_case`.

    With no style configured, a style the names clearly follow (4 in 5 of the names that tell
    styles apart) is the norm and the outliers are reported; names that mix styles are not
    reported until `conventions.event_case` says which one is meant. The message's example is
    a name of the plan itself. Title Case lets minor words (to, from, of...) stay lower case, as in
    Segment's "Product Added to Wishlist". The suggestion is the name converted to the style.

    Failing:

    ```yaml
    conventions: {event_case: title}
    events:
      order_completed: {}
    ```

    Passing:

    ```yaml
    conventions: {event_case: title}
    events:
      Order Completed: {}
    ```
    """
    names = [(name, path) for name, path, _ in ctx.message_bodies()
             if path[0] in ("events", "pages", "screens")]
    yield from _style_findings(ctx, "PL201", "event name", "event_case", names)


@rule("PL202", "property-case", category="naming", default=Severity.ERROR,
      summary="Property and trait names follow the plan's property case style.")
def property_case(ctx: LintContext) -> Iterator[Diagnostic]:
    """Property and trait names, at every nesting level, are written in
    `conventions.property_case` (or, with none configured, the style they clearly follow, as
    for PL201: a plan imported from teams with different styles is not flooded).

    Failing:

    ```yaml
    conventions: {property_case: snake}
    properties:
      orderId: {type: string}
    ```

    Passing:

    ```yaml
    conventions: {property_case: snake}
    properties:
      order_id: {type: string}
    ```
    """
    names = [(p.name, p.path) for p in ctx.property_names()]
    yield from _style_findings(ctx, "PL202", "property", "property_case", names)


def _collisions(ctx: LintContext, code: str, what: str,
                groups: Iterable[list[tuple[str, PathKey]]]) -> Iterator[Diagnostic]:
    for names in groups:
        by_key: dict[str, list[tuple[str, PathKey]]] = {}
        for name, path in names:
            by_key.setdefault(collision_key(name), []).append((name, path))
        for clash in by_key.values():
            distinct = sorted({name for name, _ in clash})
            if len(distinct) < 2:
                continue
            first_name, first_path = clash[0]
            for name, path in clash[1:]:
                if name == first_name:
                    continue
                where = ctx.key_location(first_path)
                yield RULES[code].diagnostic(
                    f"{what} {name!r} collides with {first_name!r} (line {where.line}): they "
                    "differ only by case, spaces, hyphens or underscores, so tools and "
                    "warehouses will treat them as two things",
                    ctx.key_location(path), path=ctx.path_text(path), suggestion=first_name)


@rule("PL203", "event-name-collision", category="naming", default=Severity.ERROR,
      summary="Two event names differ only by case, spaces, hyphens or underscores.")
def event_name_collision(ctx: LintContext) -> Iterator[Diagnostic]:
    """"Signed In", "signed-in" and "signed_in" are one event spelt three ways; so are
    "sign_up" and "signup". Each later spelling is reported against the first.

    Failing:

    ```yaml
    events:
      Signed In: {}
      signed_in: {}
    ```

    Passing:

    ```yaml
    events:
      Signed In: {}
      Signed Out: {}
    ```
    """
    for section in ("events", "pages", "screens"):
        names: list[tuple[str, PathKey]] = [
            (name, (section, name)) for name in ctx.data.get(section) or {}]
        yield from _collisions(ctx, "PL203", "event name", [names])


@rule("PL204", "property-name-collision", category="naming", default=Severity.ERROR,
      summary="Two property names in one place differ only by case or separators.")
def property_name_collision(ctx: LintContext) -> Iterator[Diagnostic]:
    """Within one object (a message's properties, a nested object, the library), names that
    differ only by case, spaces, hyphens or underscores (`order_id`, `orderId`) collide.

    Failing:

    ```yaml
    properties:
      order_id: {type: string}
      orderId: {type: string}
    ```

    Passing:

    ```yaml
    properties:
      order_id: {type: string}
      order_total: {type: number}
    ```
    """
    siblings: dict[PathKey, list[tuple[str, PathKey]]] = {}
    for prop in ctx.property_names():
        siblings.setdefault(prop.path[:-1], []).append((prop.name, prop.path))
    yield from _collisions(ctx, "PL204", "property", siblings.values())


