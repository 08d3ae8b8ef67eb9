"""Safe YAML reading that keeps the source position of every key and value.

PyYAML's ``safe_load`` forgets where things came from and silently keeps the last of two
duplicate keys (losing an event without a word). Here we compose the node graph with the safe
loader and convert it ourselves, so that:

* every key and value keeps its 1-based line and column (``SourceMap``);
* duplicate keys are reported with both positions;
* mapping keys stay exactly as written (``yes:`` is the key "yes", not True);
* aliases are followed but the total number of produced values is bounded, so an alias bomb
  ("billion laughs") is refused instead of exhausting memory;
* dates stay strings (plans are JSON data; YAML 1.1 timestamps are not).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from protocols.diagnostics import Diagnostic, Location, Severity

MAX_NODES = 250_000
MAX_DEPTH = 64
MAX_BYTES = 32 * 1024 * 1024

PathKey = tuple[str | int, ...]

# libyaml's composer is several times faster than PyYAML's pure-Python one and gives the same
# nodes and marks; it is optional in PyYAML builds, so fall back when it is missing.
_COMPOSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a loaded document was written."""

    file: str
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)

    def value_location(self, path: PathKey) -> Location:
        return self._nearest(self.values, path)

    def key_location(self, path: PathKey) -> Location:
        if path in self.keys:
            line, column = self.keys[path]
            return Location(self.file, line, column)
        return self.value_location(path)

    def _nearest(self, table: dict[PathKey, tuple[int, int]], path: PathKey) -> Location:
        # Fall back to the closest ancestor that has a position (e.g. for a missing key).
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.keys.get(path[:end])
            if found:
                return Location(self.file, found[0], found[1])
        return Location(self.file, 1, 1)

    def line_text(self, line: int) -> str | None:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return None


class YamlError(Exception):
    """A document that cannot be read; carries positioned diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


def _diag(code: str, name: str, message: str, file: str, line: int, column: int) -> Diagnostic:
    return Diagnostic(
        code=code, name=name, severity=Severity.ERROR, message=message,
        file=file, line=line, column=column,
    )


def decode_source(data: bytes, file: str) -> str:
    """Decode UTF-8 (with or without BOM); report the first bad byte's line and column."""
    if len(data) > MAX_BYTES:
        raise YamlError([_diag("PL100", "yaml-syntax",
                               f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file, 1, 1)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        before = data[:start]
        line = before.count(b"\n") + 1
        column = start - (before.rfind(b"\n") + 1) + 1
        raise YamlError([_diag("PL110", "encoding",
                               f"file is not valid UTF-8 (byte 0x{data[start]:02x})",
                               file, line, column)]) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise YamlError([_diag("PL110", "encoding", "file contains a NUL byte (binary data?)",
                               file, line, column)])
    return text


def load_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document into plain JSON-like data plus its :class:`SourceMap`."""
    source = SourceMap(file=file, lines=text.splitlines())
    try:
        nodes = list(yaml.compose_all(text, Loader=_COMPOSER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        hint = ""
        if "\t" in (source.line_text(line) or "")[:column] and "token" in str(exc):
            hint = " (YAML does not allow tabs for indentation; use spaces)"
        context = f" {exc.context}" if exc.context else ""
        raise YamlError([_diag("PL100", "yaml-syntax", f"{problem}{context}{hint}",
                               file, line, column)]) from None
    except yaml.YAMLError as exc:
        raise YamlError([_diag("PL100", "yaml-syntax", str(exc), file, 1, 1)]) from None
    except RecursionError:
        raise YamlError([_diag("PL100", "yaml-syntax",
                               "document is nested too deeply to read", file, 1, 1)]) from None
    if not nodes:
        raise YamlError([_diag("PL100", "yaml-syntax", "file is empty", file, 1, 1)])
    if len(nodes) > 1:
        mark = nodes[1].start_mark
        raise YamlError([_diag("PL100", "yaml-syntax",
                               "file holds several YAML documents; a plan is one document",
                               file, mark.line + 1, mark.column + 1)])
    converter = _Converter(source)
    data = converter.convert(nodes[0], (), 0)
    if converter.problems:
        raise YamlError(converter.problems)
    return data, source


MAX_DIGITS = 4_300


def _not_json(value: Any) -> str | None:
    """Why a YAML scalar cannot stand in a plan (whose values are JSON), or None."""
    if isinstance(value, bytes):
        return "binary data (!!binary), not a JSON value; write it as a string"
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return "not a JSON number (infinity and NaN have no JSON spelling)"
    return None


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.count = 0
        self.problems: list[Diagnostic] = []
        self._constructor = yaml.SafeLoader("")

    def _fail(self, code: str, name: str, message: str, node: Node) -> None:
        mark = node.start_mark
        self.problems.append(_diag(code, name, message, self.source.file,
                                   mark.line + 1, mark.column + 1))

    def convert(self, node: Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            if self.count == MAX_NODES + 1:
                self._fail("PL100", "yaml-syntax",
                           f"document expands to more than {MAX_NODES:,} values "
                           "(an alias bomb?); refusing to read it", node)
            return None
        if depth > MAX_DEPTH:
            if not any(p.message.startswith("nesting deeper") for p in self.problems):
                self._fail("PL100", "yaml-syntax",
                           f"nesting deeper than {MAX_DEPTH} levels (or a recursive alias)", node)
            return None
        self.source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            return [self.convert(child, (*path, index), depth + 1)
                    for index, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        self._fail("PL100", "yaml-syntax", "unsupported YAML node", node)
        return None

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag in (_TIMESTAMP_TAG, _STR_TAG):
            return node.value
        if not node.tag.startswith("tag:yaml.org,2002:"):
            self._fail("PL100", "yaml-syntax", f"unsupported YAML tag {node.tag}", node)
            return node.value
        try:
            value = self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._fail("PL100", "yaml-syntax", f"bad scalar: {exc}", node)
            return node.value
        except ValueError:
            # Python refuses integers of more than 4,300 digits (int <-> str conversion).
            self._fail("PL103", "invalid-value",
                       f"number {node.value[:20]}... has more than {MAX_DIGITS} digits; quote "
                       "it if it is text", node)
            return None
        problem = _not_json(value)
        if problem:
            self._fail("PL103", "invalid-value", f"{node.value[:40]!r} is {problem}", node)
            return None
        return value

    def _pairs(self, node: MappingNode) -> Iterator[tuple[Node, Node]]:
        # Expand YAML merge keys (<<: *base) before the node's own keys override them.
        own: list[tuple[Node, Node]] = []
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if isinstance(source, MappingNode):
                        merged.extend(self._pairs(source))
                    else:
                        self._fail("PL100", "yaml-syntax", "a merge key (<<) needs a mapping", source)
            else:
                own.append((key_node, value_node))
        own_keys = {k.value for k, _ in own if isinstance(k, ScalarNode)}
        seen: set[str] = set()
        for key_node, value_node in merged:
            if key_node.value not in own_keys and key_node.value not in seen:
                seen.add(key_node.value)
                yield key_node, value_node
        yield from own

    def _mapping(self, node: MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in self._pairs(node):
            if not isinstance(key_node, ScalarNode):
                self._fail("PL100", "yaml-syntax", "mapping keys must be plain strings", key_node)
                continue
            key = key_node.value
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in first_seen:
                line, column = first_seen[key]
                self._fail("PL101", "duplicate-key",
                           f"duplicate key {key!r} (first defined at line {line}, column {column}); "
                           "YAML readers keep only the last one", key_node)
                continue
            first_seen[key] = position
            child = (*path, key)
            self.source.keys.setdefault(child, position)
            result[key] = self.convert(value_node, child, depth + 1)
        return result


_IGNORE = re.compile(r"#\s*protocols:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


IGNORE_KEY = "x-protocols-ignore"


def metadata_suppressions(data: Any, source: SourceMap
                          ) -> dict[int, frozenset[str] | None]:
    """``x-protocols-ignore: [CODE, ...]`` on a property or message (``["*"]``: every rule),
    by line: the lines of the mapping that holds it and of its key. This is how an ignore
    comment survives export and import, which cannot keep comments."""
    found: dict[int, frozenset[str] | None] = {}
    pending: list[tuple[PathKey, Any]] = [((), data)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, dict):
            codes = node.get(IGNORE_KEY)
            if isinstance(codes, list) and path:
                value = None if "*" in codes else frozenset(str(c) for c in codes)
                lines = {source.key_location(path).line} | {
                    line for table in (source.values, source.keys)
                    for where, (line, _) in table.items() if where[:len(path)] == path}
                for line in lines:
                    if line is None:
                        continue
                    before = found.get(line, frozenset())
                    found[line] = None if value is None or before is None else before | value
            pending.extend(((*path, k), v) for k, v in node.items()
                           if not (isinstance(k, str) and k.startswith("x-")))
        elif isinstance(node, list):
            pending.extend(((*path, i), v) for i, v in enumerate(node))
    return found


def suppressions(source: SourceMap) -> dict[int, frozenset[str] | None]:
    """Inline ``# protocols: ignore[CODE,name]`` comments by line (None means every rule).

    A comment on its own line applies to the next line; at the end of a line, to that line.
    """
    found: dict[int, frozenset[str] | None] = {}
    for number, text in enumerate(source.lines, start=1):
        match = _IGNORE.search(text)
        if not match:
            continue
        codes = match.group("codes")
        value = None if codes is None else frozenset(c.strip() for c in codes.split(",") if c.strip())
        target = number + 1 if text.lstrip().startswith("#") else number
        found[target] = value
    return found


def all_suppressions(data: Any, source: SourceMap) -> dict[int, frozenset[str] | None]:
    """Ignore comments and ``x-protocols-ignore`` keys together, by line."""
    found = metadata_suppressions(data, source)
    for line, codes in suppressions(source).items():
        before = found.get(line, frozenset())
        found[line] = None if codes is None or before is None else before | codes
    return found
