"""Write plan data as YAML that reads back to exactly the same data.

PyYAML's safe dumper quotes every string that would read back as something else (``yes``,
``1.0``, ``<<``, ``null``...), so odd event names survive. Leaf properties are written in flow
style (``{type: string, required: true}``), the way hand-written plans look. Comments (which
PyYAML cannot write) are placed above a key after dumping, found through the positioned loader.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from protocols.schemarefs import external_references
from protocols.yamlsrc import PathKey, YamlError, load_yaml

_FLOW_MAX = 90  # longest leaf mapping written on one line, in characters (roughly)


class _PlanDumper(yaml.SafeDumper):
    """Safe dumper; short mappings of scalars go on one line."""


def _represent_dict(dumper: yaml.SafeDumper, data: Mapping[str, Any]) -> yaml.MappingNode:
    node = dumper.represent_mapping("tag:yaml.org,2002:map", data.items())
    scalars = all(isinstance(v, str | int | float | bool) or v is None
                  or (isinstance(v, list) and all(isinstance(i, str | int | float) for i in v))
                  for v in data.values())
    if data and scalars and len(repr(data)) <= _FLOW_MAX:
        node.flow_style = True
    return node


# YAML readers fold these into line breaks or refuse them unless they are escaped.
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if _NEEDS_ESCAPE.search(data):
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_PlanDumper.add_representer(dict, _represent_dict)
_PlanDumper.add_representer(str, _represent_str)


def dump_plan(data: Mapping[str, Any], *, header: Sequence[str] = (),
              comments: Mapping[PathKey, Sequence[str]] | None = None) -> str:
    """YAML text for plan data, with ``header`` comment lines and comments above keys."""
    text = yaml.dump(dict(data), Dumper=_PlanDumper, sort_keys=False, allow_unicode=True,
                     width=100, default_flow_style=False)
    if comments:
        text = _insert_comments(text, comments)
    head = "".join(f"# {line}\n" if line else "#\n" for line in _comment_lines(header))
    return head + text


def _comment_lines(lines: Sequence[str]) -> list[str]:
    """Comment text split on every line break YAML knows, so no part escapes the comment."""
    out: list[str] = []
    for line in lines:
        out.extend(line.splitlines() or [""])
    return out


def _insert_comments(text: str, comments: Mapping[PathKey, Sequence[str]]) -> str:
    try:
        _, source = load_yaml(text, "<plan>")
    except YamlError:
        # Text the loader refuses (too many values, too deep) gets no comments: the
        # importer's round_trip_problem then says why it cannot be written.
        return text
    lines = text.splitlines(keepends=True)
    placed: list[tuple[int, int, Sequence[str]]] = []
    for path, notes in comments.items():
        where = source.keys.get(path)
        if where is not None and notes:
            placed.append((where[0], where[1], notes))
    # Bottom up, so earlier insertions do not move the lines still to be commented.
    for line, column, notes in sorted(placed, key=lambda p: p[0], reverse=True):
        indent = " " * (column - 1)
        lines[line - 1:line - 1] = [f"{indent}# {note}\n" for note in _comment_lines(notes)]
    return "".join(lines)


def round_trip_problem(data: Mapping[str, Any], text: str) -> str | None:
    """Why ``text`` (``dump_plan(data)``) would not be the same plan once read back, or None.

    Importers check this before writing anything: a key YAML cannot hold (a lone surrogate,
    a name the reader would change) is an error naming it, never a plan that does not load.
    """
    where = _first(data, lambda value: isinstance(value, str) and _unencodable(value))
    if where is not None or _unencodable(text):
        return (f"{where or 'a value'} holds a lone surrogate (half of a UTF-16 pair), which "
                "no UTF-8 file can hold")
    for path, reference in external_references(dict(data)):
        # The plan loader refuses these (PL114): say so before writing, never after.
        return (f"{_show(path)} is a reference to another document ({reference!r}), which a "
                "plan cannot hold")
    try:
        again, _ = load_yaml(text, "<plan>")
    except YamlError as exc:
        first = exc.diagnostics[0]
        return f"the YAML would not read back: {first.message} (line {first.line})"
    difference = _difference(dict(data), again, ())
    return None if difference is None else f"{difference} would read back differently"


def _unencodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _show(path: PathKey) -> str:
    return "key " + ".".join(repr(p) if isinstance(p, str) else f"[{p}]" for p in path)


def _first(node: Any, bad: Any, path: PathKey = ()) -> str | None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if bad(key):
                return _show((*path, key))
            found = _first(value, bad, (*path, key))
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _first(value, bad, (*path, index))
            if found:
                return found
    elif bad(node):
        return _show(path) if path else "a value"
    return None


def _difference(before: Any, after: Any, path: PathKey) -> str | None:
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        for key in before:
            if key not in after:
                return _show((*path, key))
            found = _difference(before[key], after[key], (*path, key))
            if found:
                return found
        extra = [k for k in after if k not in before]
        return _show((*path, extra[0])) if extra else None
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return _show(path)
        for index, (a, b) in enumerate(zip(before, after, strict=True)):
            found = _difference(a, b, (*path, index))
            if found:
                return found
        return None
    if before != after or (type(before) is not type(after) and not (
            isinstance(before, int | float) and isinstance(after, int | float)
            and not isinstance(before, bool) and not isinstance(after, bool))):
        return _show(path)
    return None
