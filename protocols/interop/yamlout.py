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

from protocols.yamlsrc import PathKey, load_yaml

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
    _, source = load_yaml(text, "<plan>")
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
