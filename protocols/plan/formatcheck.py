"""Check a plan document against the plan-format JSON Schema, with positions.

jsonschema's messages are precise but not friendly; here each error is turned into a
diagnostic at the offending key or value, with a did-you-mean for misspelt keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.naming import did_you_mean
from protocols.schemarefs import OFFLINE_REGISTRY
from protocols.yamlsrc import PathKey, SourceMap


@cache
def plan_format_schema() -> dict[str, Any]:
    """The JSON Schema of the plan file format, shipped inside the package."""
    text = resources.files("protocols").joinpath("data/plan.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(plan_format_schema(), registry=OFFLINE_REGISTRY)


@cache
def _fast_check() -> Callable[[Any], list[Any]]:
    # The compiled engine validate uses is ~10x faster than jsonschema on valid plans.
    from protocols.validate.check.engine import compile_validator

    return compile_validator(plan_format_schema())


def check_format(data: Any, source: SourceMap) -> list[Diagnostic]:
    return [diagnostic for diagnostic, _ in check_format_paths(data, source)]


def check_format_paths(data: Any, source: SourceMap) -> list[tuple[Diagnostic, PathKey]]:
    """Format problems, each with the path of the key or value it is about."""
    if not isinstance(data, dict):
        location = source.value_location(())
        return [(Diagnostic("PL103", "invalid-value", Severity.ERROR,
                            "a plan file must be a YAML mapping (key: value pairs) at the top "
                            "level", location.file, location.line, location.column, path=""),
                 ())]
    if not _fast_check()(data):
        return []  # the common case; jsonschema's richer errors are only needed to explain
    found: dict[tuple[Any, ...], tuple[Diagnostic, PathKey]] = {}
    for error in _validator().iter_errors(data):
        for diagnostic, path in _explain(error, source):
            found.setdefault((diagnostic.line, diagnostic.column, diagnostic.code,
                              diagnostic.message), (diagnostic, path))
    return list(found.values())


def prune(data: dict[str, Any], paths: list[PathKey],
          renames: dict[PathKey, str] | None = None) -> dict[str, Any] | None:
    """A copy of ``data`` without the keys or values at ``paths`` (the parts the format check
    refused), or None when a path is the whole document. What is left can be checked by every
    rule, so one bad key does not hide the rest of the file's findings. ``renames`` moves a
    misspelt key to its did-you-mean instead (when that key is free), so a typo such as
    ``descripton`` is one finding, not also a "missing description"."""
    renames = renames or {}
    copy: dict[str, Any] = json.loads(json.dumps(data))
    for path in sorted(paths, key=len, reverse=True):
        if not path:
            return None
        parent: Any = copy
        for part in path[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = path[-1]
        if isinstance(parent, dict) and last in parent:
            value = parent.pop(last)
            target = renames.get(path)
            if target is not None and target not in parent:
                parent[target] = value
        elif isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            parent[last] = None
    return copy


def _explain(error: ValidationError, source: SourceMap
             ) -> Iterator[tuple[Diagnostic, PathKey]]:
    path: PathKey = tuple(error.absolute_path)
    shown = format_path(path) or "(top level)"
    if error.validator in ("anyOf", "oneOf") and error.context:
        if not path and error.validator == "oneOf":
            location = source.value_location(())
            yield _make("PL103", "invalid-value",
                        "a plan file needs a `plan:` id (or `library:` for a file of shared "
                        "properties that plans import), but not both", source, location,
                        ""), ()
            return
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        # A branch that rejects the value's type outright is the wrong branch to explain
        # (e.g. the `null` alternative of "a property or null").
        plausible = [errs for errs in branches.values()
                     if not any(e.validator == "type" and not e.relative_path for e in errs)]
        if len(plausible) == 1:
            for sub in plausible[0]:
                yield from _explain(sub, source)
        else:
            yield from _explain(best_match(error.context), source)
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = sorted(schema.get("properties", {}))
        for key in error.instance:
            if key in known or key.startswith("x-"):
                continue
            if schema.get("additionalProperties") is False:
                hint = did_you_mean(key, known)
                message = f"unknown key {key!r} in {shown}"
                message += f"; did you mean {hint!r}?" if hint else f" (known keys: {', '.join(known)})"
                yield _make("PL102", "unknown-key", message, source,
                            source.key_location((*path, key)), format_path((*path, key)),
                            suggestion=hint), (*path, key)
        return
    if error.validator == "required":
        yield _make("PL103", "invalid-value", f"{shown}: {error.message}", source,
                    source.value_location(path), format_path(path)), path
        return
    message = f"{shown}: {error.message}"
    if error.validator == "enum" and isinstance(error.instance, bool):
        message += ("; YAML reads unquoted yes/no/on/off/true/false as booleans, so quote "
                    "the value")
    if path == ("version",) and isinstance(error.instance, (int, float)):
        message = (f"version must be a string such as \"1.2.0\"; YAML read {error.instance!r} "
                   "as a number, so quote it")
    yield _make("PL103", "invalid-value", message, source, source.value_location(path),
                format_path(path)), path


def _make(code: str, name: str, message: str, source: SourceMap, location: Any, path: str,
          *, suggestion: str | None = None) -> Diagnostic:
    return Diagnostic(code, name, Severity.ERROR, message, location.file, location.line,
                      location.column, path=path, suggestion=suggestion)
