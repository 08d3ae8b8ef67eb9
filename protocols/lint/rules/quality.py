"""Quality rules: a plan says what each thing means and who answers for it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.lint.context import LintContext
from protocols.lint.registry import RULES, rule
from protocols.plan.resolve import META_KEYS


def _conventions(ctx: LintContext) -> Mapping[str, Any]:
    value = ctx.data.get("conventions")
    return value if isinstance(value, Mapping) else {}


def _library_description(ctx: LintContext, name: str, fragment: Mapping[str, Any]) -> bool:
    """Whether a property that refers to a library entry inherits a description from it."""
    own = set(fragment) - META_KEYS - {k for k in fragment if str(k).startswith("x-")}
    target = fragment.get("use") or (name if not own else None)
    if not isinstance(target, str):
        return False
    library: Mapping[str, Any] = ctx.plan.library if ctx.plan is not None else (
        ctx.data.get("properties") or {})
    entry = library.get(target)
    return isinstance(entry, Mapping) and bool(entry.get("description"))


@rule("PL301", "missing-description", category="quality", default=Severity.WARNING,
      summary="An event, identify, group, page or screen (or property) without a description.")
def missing_description(ctx: LintContext) -> Iterator[Diagnostic]:
    """Every event, page and screen, and `identify` and `group`, has a `description` saying
    when it is sent: the name alone rarely tells a new analyst whether "Order Completed" fires
    on payment or on shipping.

    Properties and traits (at every level, in the library and in types too) need one only
    when the plan sets `conventions.require_description: true`. A property that refers to a
    library entry (`order_id: {required: true}` or `use: order_id`) inherits the entry's
    description.

    Failing:

    ```yaml
    events:
      Order Completed:
        properties:
          total: {type: number}
    ```

    Passing:

    ```yaml
    events:
      Order Completed:
        description: The order was paid and confirmed.
        properties:
          total: {type: number}
    ```
    """
    for label, path, body in ctx.message_bodies():
        if isinstance(body, Mapping) and not body.get("description"):
            what = "event" if path[0] == "events" else (
                path[0][:-1] if path[0] in ("pages", "screens") else "")
            shown = f"{what} {label!r}" if what else f"`{label}`"
            yield RULES["PL301"].diagnostic(
                f"{shown} has no description: say when it is sent and what it means",
                ctx.key_location(path), path=ctx.path_text(path),
                event=label if path[0] == "events" else None)
    if not _conventions(ctx).get("require_description"):
        return
    for prop in ctx.property_names():
        if prop.fragment.get("description") or _library_description(ctx, prop.name,
                                                                     prop.fragment):
            continue
        yield RULES["PL301"].diagnostic(
            f"property {prop.name!r} ({prop.owner}) has no description, and "
            "conventions.require_description is on",
            ctx.key_location(prop.path), path=ctx.path_text(prop.path))


@rule("PL302", "missing-owner", category="quality", default=Severity.ERROR,
      summary="An event without an `owner` when `conventions.require_owner` is on.")
def missing_owner(ctx: LintContext) -> Iterator[Diagnostic]:
    """With `conventions.require_owner: true`, every track event names the team or person who
    answers for it (`owner: "@checkout"`), so a broken event has someone to page. With the
    setting off (the default) this rule reports nothing.

    Failing:

    ```yaml
    conventions: {require_owner: true}
    events:
      Order Completed:
        description: The order was paid.
    ```

    Passing:

    ```yaml
    conventions: {require_owner: true}
    events:
      Order Completed:
        description: The order was paid.
        owner: "@checkout"
    ```
    """
    if not _conventions(ctx).get("require_owner"):
        return
    for name, path in ctx.event_names():
        body = (ctx.data.get("events") or {}).get(name)
        if not isinstance(body, Mapping) or not body.get("owner"):
            yield RULES["PL302"].diagnostic(
                f"event {name!r} has no owner, and conventions.require_owner is on",
                ctx.key_location(path), path=ctx.path_text(path), event=name)
