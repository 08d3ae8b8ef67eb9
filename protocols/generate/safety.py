"""What a generated client may carry: checked at generate time, so that the client can never
crash or hang the application that calls it.

A generated client runs inside someone's app, with that app's inputs, in an engine that
cannot stop a regex search (JavaScript, or Python's ``re``). So before any code is written:

- every ``$ref`` in an embedded schema must resolve inside that schema (a validator would
  raise on the first call otherwise), and none may name another document (never fetched);
- every number must be writable exactly: no infinity or NaN (JSON has neither), no integer
  beyond what the target's numbers hold (JavaScript: 2**53 - 1; Kotlin, Java, Go, Swift:
  64 bits; Python: 4,000 digits);
- every ``pattern`` (and ``patternProperties`` key) must be free of catastrophic
  backtracking (:func:`protocols.patterns.pattern_risk`). With ``--force`` a risky pattern is
  left out of runtime validation (and said so) instead of stopping generation: the client
  still never runs it.

Each problem is a positioned error (the plan line of the schema part) with a ``PG`` code.
A pattern that is safe but not anchored (``[a-z]+@``) is tried from every start position,
so the runtime checks it only on values up to :data:`UNANCHORED_MAX_LENGTH` characters and
reports longer values as unchecked (see the emitters).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.patterns import compile_error, pattern_risk, risk_message, starts_anchored
from protocols.plan.model import MessageSpec, Plan
from protocols.schemarefs import REFERENCE_KEYWORDS, VALUE_KEYWORDS, is_local, pointer_nodes

#: Longest value a generated client searches with a pattern that is not anchored at the start.
UNANCHORED_MAX_LENGTH = 4096
#: The largest integer JavaScript numbers (IEEE doubles) hold exactly.
JS_MAX_SAFE_INTEGER = 2**53 - 1
#: Python refuses to turn longer integers into text (sys.get_int_max_str_digits).
PY_MAX_DIGITS = 4000
_PY_LIMIT: int = 10**PY_MAX_DIGITS
_SHORT: int = 10**30


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    message: str
    path: tuple[str | int, ...]  # inside the spec's schema


def _walk(node: Any, path: tuple[str | int, ...] = (), *, values: bool = False
          ) -> Iterator[tuple[tuple[str | int, ...], Any, bool]]:
    """(path, node, is_value) for every node; ``is_value`` under const/enum/default."""
    yield path, node, values
    if isinstance(node, Mapping):
        for key, child in node.items():
            yield from _walk(child, (*path, key), values=values or key in VALUE_KEYWORDS)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _walk(child, (*path, index), values=values)


def _resolves(schema: Mapping[str, Any], reference: str) -> bool:
    """Whether a local reference (``#``, ``#/$defs/X``) points at something in ``schema``."""
    if reference == "#":
        return True
    if not reference.startswith("#/"):
        return False  # anchors (#name) are left out: emitters do not support them
    nodes = pointer_nodes(schema, reference[1:])
    return nodes is not None and isinstance(nodes[-1] if nodes else schema, Mapping | bool)


def schema_findings(schema: Mapping[str, Any], *, lang: str,
                    patterns: bool = True) -> Iterator[Finding]:
    """Problems that would make a client embedding ``schema`` crash, or (with ``patterns``:
    its runtime validation runs them) run a risky regex."""
    for path, node, is_value in _walk(schema):
        if isinstance(node, float) and not math.isfinite(node):
            yield Finding("PG002", "non-finite-number",
                          f"{node!r} is not a JSON number: a generated client cannot embed it",
                          path)
        elif isinstance(node, int) and not isinstance(node, bool) and _too_big(node, lang):
            limit = {"typescript": "2**53 - 1, the largest integer JavaScript holds exactly",
                     "python": f"{PY_MAX_DIGITS} digits"}.get(
                lang, f"2**63 - 1, the largest integer {lang} holds in 64 bits")
            yield Finding("PG003", "unsafe-integer",
                          f"the integer {_shown(node)} is beyond {limit}: the generated client "
                          "could not hold it", path)
        if is_value or not isinstance(node, Mapping):
            continue
        for keyword in REFERENCE_KEYWORDS:
            reference = node.get(keyword)
            if not isinstance(reference, str):
                continue
            if not is_local(reference) or not _resolves(schema, reference):
                yield Finding("PG001", "unresolvable-reference",
                              f"{keyword} {reference!r} does not resolve inside the plan: the "
                              "generated client's validator would fail on every call",
                              (*path, keyword))
        for pattern, where in _patterns(node, path) if patterns else ():
            error = compile_error(pattern)
            risk = pattern_risk(pattern) if error is None else None
            if error is not None:
                yield Finding("PG004", "unsafe-pattern", f"pattern {pattern!r} is not a valid "
                              f"regular expression: {error}", where)
            elif risk is not None:
                yield Finding("PG004", "unsafe-pattern", risk_message(pattern, risk), where)


def _patterns(node: Mapping[str, Any], path: tuple[str | int, ...]
              ) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    if isinstance(node.get("pattern"), str):
        yield node["pattern"], (*path, "pattern")
    keys = node.get("patternProperties")
    if isinstance(keys, Mapping):
        yield from ((key, (*path, "patternProperties", key)) for key in keys
                    if isinstance(key, str))


def _shown(value: int) -> str:
    """An integer as text, shortened (Python refuses to write one of over 4,300 digits)."""
    if abs(value) < _SHORT:
        return str(value)
    return f"of about {int(value.bit_length() * 0.30103) + 1:,} digits"


def _too_big(value: int, lang: str) -> bool:
    if lang == "typescript":
        return abs(value) > JS_MAX_SAFE_INTEGER
    if lang == "python":
        return abs(value) >= _PY_LIMIT
    return not -(2**63) <= value < 2**63  # Kotlin/Java Long, Go int64, Swift Int


def capped_patterns(schemas: Iterable[Any]) -> list[str]:
    """The ``pattern`` values of ``schemas`` a runtime searches from every start position
    (not anchored with ``^``): it checks them only on values up to UNANCHORED_MAX_LENGTH."""
    found: set[str] = set()
    for schema in schemas:
        for _path, node, is_value in _walk(schema):
            if isinstance(node, Mapping) and not is_value:
                pattern = node.get("pattern")
                if isinstance(pattern, str) and not starts_anchored(pattern):
                    found.add(pattern)
    return sorted(found)


def plan_findings(plan: Plan, *, lang: str, force: bool,
                  patterns: bool = True) -> list[Diagnostic]:
    """Every problem of the plan's embedded schemas, positioned in the plan. With ``force``,
    a risky pattern is a warning (it is left out of runtime validation) and not an error;
    ``patterns`` is whether the language's clients run patterns at all."""
    found: dict[tuple[str, str | None, int | None, int | None, str], Diagnostic] = {}
    for spec in plan.messages():
        for finding in schema_findings(spec.schema, lang=lang, patterns=patterns):
            diagnostic = _diagnostic(spec, finding, force=force)
            found.setdefault((diagnostic.code, diagnostic.file, diagnostic.line,
                              diagnostic.column, diagnostic.message), diagnostic)
    return list(found.values())


def _diagnostic(spec: MessageSpec, finding: Finding, *, force: bool) -> Diagnostic:
    where = spec.locate(finding.path)
    severity = Severity.WARNING if force and finding.code == "PG004" else Severity.ERROR
    message = finding.message
    if severity is Severity.WARNING:
        message += "; left out of the client's runtime validation (--force)"
    return Diagnostic(finding.code, finding.name, severity, message, where.file, where.line,
                      where.column, event=spec.name)


def without_unsafe_patterns(schema: Any) -> Any:
    """``schema`` with every risky or invalid ``pattern`` (and ``patternProperties`` key)
    removed: what a client generated with --force embeds."""
    if isinstance(schema, list):
        return [without_unsafe_patterns(item) for item in schema]
    if not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in VALUE_KEYWORDS:
            out[key] = value
        elif key == "pattern" and isinstance(value, str) and not _safe(value):
            continue
        elif key == "patternProperties" and isinstance(value, Mapping):
            out[key] = {k: without_unsafe_patterns(v) for k, v in value.items()
                        if not isinstance(k, str) or _safe(k)}
        else:
            out[key] = without_unsafe_patterns(value)
    return out


def _safe(pattern: str) -> bool:
    return compile_error(pattern) is None and pattern_risk(pattern) is None
