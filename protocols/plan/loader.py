"""Read a plan file (and the libraries it imports) into a :class:`Plan`.

``load_plan_file`` never raises for bad input: it returns the plan it could build (or None)
and positioned diagnostics, which is what ``lint`` needs. ``load_plan`` is the strict form for
every other command: it raises :class:`PlanError` when the plan has errors.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity, format_path
from protocols.plan.confine import Refused, project_root, read_confined
from protocols.plan.formatcheck import check_format, check_format_paths, prune
from protocols.plan.model import MessageKind, MessageSpec, Plan
from protocols.plan.rawcheck import check_raw_blocks
from protocols.plan.resolve import ExpansionBudget, Resolver
from protocols.schemarefs import (
    in_place_cycles,
    reference_findings,
    referenced_types,
    root_cycle,
)
from protocols.yamlsrc import PathKey, SourceMap, YamlError, decode_source, load_yaml

PLAN_SUFFIXES = (".yaml", ".yml")


class PlanError(Exception):
    """A plan that cannot be used; ``diagnostics`` says where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0] if diagnostics else None
        where = f"{first.file}:{first.line}:{first.column}: " if first and first.file else ""
        super().__init__(f"{where}{first.message if first else 'invalid plan'}")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class LoadResult:
    """What reading one file produced: the document, its positions, a plan if one was built."""

    file: str
    data: Any
    source: SourceMap | None
    plan: Plan | None
    diagnostics: tuple[Diagnostic, ...]
    is_library: bool = False


def display_path(path: Path) -> str:
    """A path relative to the working directory when possible, with forward slashes."""
    try:
        shown = os.path.relpath(path)
    except ValueError:
        shown = str(path)
    if shown.startswith(".."):
        shown = str(path)
    return shown.replace(os.sep, "/")


def read_document(path: Path, root: Path | None = None) -> tuple[Any, SourceMap]:
    """Read and parse one YAML file; raises :class:`YamlError` with positions.

    With ``root``, a file whose real path is outside it is refused (see
    :mod:`protocols.plan.confine`); any file must be regular and of bounded size.
    """
    shown = display_path(path)
    try:
        raw = read_confined(path, root)
    except Refused as exc:
        raise YamlError([Diagnostic("PL113", "unreadable-file", Severity.ERROR,
                                    f"not read: {exc}", shown)]) from None
    except OSError as exc:
        raise YamlError([Diagnostic("PL113", "unreadable-file", Severity.ERROR,
                                    f"cannot read file: {exc.strerror or exc}", shown)]) from None
    return load_yaml(decode_source(raw, shown), shown)


def load_plan_file(path: str | os.PathLike[str]) -> LoadResult:
    """Load a plan (or library) file, collecting every problem instead of raising.

    The plan and everything it imports must lie inside its project folder
    (:func:`~protocols.plan.confine.project_root`).
    """
    file_path = Path(path)
    root = project_root(file_path)
    return _load(lambda: read_document(file_path, root), file_path, display_path(file_path),
                 _DiskReader(root))


# Reads one imported file: its display name, parsed data and positions (raises YamlError).
ImportReader = Callable[[Path], tuple[str, Any, SourceMap]]


@dataclass(frozen=True)
class _DiskReader:
    """Reads imported libraries from disk, inside one project folder only."""

    root: Path

    def __call__(self, path: Path) -> tuple[str, Any, SourceMap]:
        return (display_path(path), *read_document(path, self.root))


def load_plan_text(text: str, path: str | os.PathLike[str], *, shown: str,
                   read_import: ImportReader) -> LoadResult:
    """Load a plan whose text is already in memory (``diff`` reads it with ``git show``).

    ``path`` is where the plan lives (imports are resolved against its folder), ``shown`` its
    name in diagnostics (``main:plans/shop.yaml``), and ``read_import`` reads each imported
    library from the same place (the same git ref), never from the working tree.
    """
    return _load(lambda: load_yaml(text, shown), Path(path), shown, read_import)


def _load(parse: Callable[[], tuple[Any, SourceMap]], file_path: Path, shown: str,
          read_import: ImportReader) -> LoadResult:
    """Parse, check the format, read the imports and build: the steps every loader shares."""
    try:
        data, source = parse()
    except YamlError as exc:
        return LoadResult(shown, None, None, None, tuple(exc.diagnostics))
    checked = check_format_paths(data, source)
    problems = [diagnostic for diagnostic, _ in checked]
    if problems:
        # Without the refused keys and values the rest may still be a plan: build it, so
        # lint reports every other finding in the same pass (load_plan still refuses it).
        paths = [path for _, path in checked]
        renames = {path: d.suggestion for d, path in checked
                   if d.code == "PL102" and d.suggestion and path}
        pruned = None
        if isinstance(data, dict):
            # The typo fixed, else the key left out; the first version the format accepts.
            for attempt in (renames, {}) if renames else ({},):
                pruned = prune(data, paths, attempt)
                if pruned is None or not check_format(pruned, source):
                    break
            else:
                pruned = None  # no version was accepted
        if pruned is None:
            return LoadResult(shown, data, source, None, tuple(problems))
        data = pruned
    diagnostics: list[Diagnostic] = [*problems, *reference_findings(data, source)]
    imported = _load_imports(file_path, data, source, diagnostics, seen={file_path.resolve()},
                             read=read_import)
    # A library is built like a plan (so every rule can check it) but cannot be used as one.
    plan = _build(data, source, imported, diagnostics)
    for _, raw_data, raw_source in [*imported, ("", data, source)]:
        diagnostics.extend(check_raw_blocks(raw_data, raw_source, plan.types))
    unique = {(d.code, d.file, d.line, d.column, d.message): d for d in diagnostics}
    return LoadResult(shown, data, source, plan, tuple(unique.values()),
                      is_library="library" in data)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Load a plan for use; raises :class:`PlanError` if it has any error."""
    return plan_of(load_plan_file(path))


def plan_of(result: LoadResult) -> Plan:
    """The plan of a file read by :func:`load_plan_file`; raises :class:`PlanError` if it
    has any error, or is a library."""
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors or result.plan is None or result.is_library:
        if not errors:
            errors = [Diagnostic("PL103", "invalid-value", Severity.ERROR,
                                 "this file is a library, not a plan (it has `library:`)",
                                 result.file, 1, 1)]
        raise PlanError(errors)
    return result.plan


def _load_imports(path: Path, data: Mapping[str, Any], source: SourceMap,
                  diagnostics: list[Diagnostic], seen: set[Path], read: ImportReader,
                  ) -> list[tuple[str, Mapping[str, Any], SourceMap]]:
    found: list[tuple[str, Mapping[str, Any], SourceMap]] = []
    for index, name in enumerate(data.get("imports") or []):
        target = (path.parent / name)
        where = source.value_location(("imports", index))
        if "\x00" in name:  # no file has such a name, and the OS refuses it with ValueError
            diagnostics.append(Diagnostic(
                "PL112", "import-error", Severity.ERROR,
                f"cannot import {name!r}: a path cannot contain a NUL character",
                where.file, where.line, where.column, path=format_path(("imports", index))))
            continue
        if target.resolve() in seen:
            continue
        try:
            shown, lib_data, lib_source = read(target)
        except YamlError as exc:
            first = exc.diagnostics[0]
            diagnostics.append(Diagnostic(
                "PL112", "import-error", Severity.ERROR,
                f"cannot import {name!r}: {first.message}"
                + (f" ({first.file}:{first.line}:{first.column})" if first.line else ""),
                where.file, where.line, where.column, path=format_path(("imports", index))))
            continue
        problems = check_format(lib_data, lib_source)
        if problems:
            diagnostics.extend(problems)
            continue
        if "library" not in lib_data:
            diagnostics.append(Diagnostic(
                "PL112", "import-error", Severity.ERROR,
                f"{name!r} is a plan, not a library: only files with `library:` can be imported",
                where.file, where.line, where.column, path=format_path(("imports", index))))
            continue
        seen.add(target.resolve())
        diagnostics.extend(reference_findings(lib_data, lib_source))
        found.extend(_load_imports(target, lib_data, lib_source, diagnostics, seen, read))
        found.append((shown, lib_data, lib_source))
    return found


def _build(data: Mapping[str, Any], source: SourceMap,
           imported: list[tuple[str, Mapping[str, Any], SourceMap]],
           diagnostics: list[Diagnostic]) -> Plan:
    library: dict[str, Any] = {}
    types: dict[str, Any] = {}
    library_sources: dict[str, tuple[PathKey, SourceMap]] = {}
    type_sources: dict[str, tuple[PathKey, SourceMap]] = {}
    for _, lib_data, lib_source in [*imported, ("", data, source)]:
        for name, fragment in (lib_data.get("properties") or {}).items():
            library[name] = fragment or {}
            library_sources[name] = (("properties", name), lib_source)
        for name, fragment in (lib_data.get("types") or {}).items():
            types[name] = fragment or {}
            type_sources[name] = (("types", name), lib_source)
    policy = data.get("additional_properties", "warn")
    resolver = Resolver(source, library, types, policy, library_sources, type_sources)
    common = (data.get("common") or {}).get("properties") or {}

    def spec(kind: MessageKind, name: str | None, path: PathKey, body: Any,
             payload_key: str) -> MessageSpec:
        body = body or {}
        own_policy = body.get("additional_properties", policy)
        locations: dict[PathKey, Location] = {(): source.key_location(path)}
        own = dict(body.get(payload_key) or {})
        schema_resolver = resolver if own_policy == policy else Resolver(
            source, library, types, own_policy, library_sources, type_sources,
            resolver.diagnostics, resolver.used_library, resolver.used_types,
            budget=resolver.budget)
        schema = schema_resolver.object_schema(own, (*path, payload_key), (), locations)
        inherited = {k: v for k, v in common.items() if k not in own} if kind == "track" else {}
        if inherited:
            # Common properties are resolved where they are written (`common`), so a mistake
            # in one is one finding there, not one per event.
            shared = schema_resolver.object_schema(inherited, ("common", "properties"), (),
                                                   locations)
            schema["properties"] = {**shared["properties"], **schema["properties"]}
            required = [*shared.get("required", []), *schema.get("required", [])]
            if required:
                schema["required"] = required

        _merge_raw(schema, body.get("schema"))
        description = body.get("description")
        if description:
            schema["description"] = description
        if body.get("deprecated"):
            schema["deprecated"] = True
        return MessageSpec(
            kind=kind, name=name, schema=schema, location=source.key_location(path),
            plan_path=path, description=description, owner=body.get("owner"),
            deprecated=bool(body.get("deprecated", False)), tags=tuple(body.get("tags") or ()),
            additional_properties=own_policy, locations=locations)

    events = {name: spec("track", name, ("events", name), body, "properties")
              for name, body in (data.get("events") or {}).items()}
    identify = (spec("identify", None, ("identify",), data["identify"], "traits")
                if "identify" in data else None)
    group = (spec("group", None, ("group",), data["group"], "traits")
             if "group" in data else None)
    pages = {name: spec("page", name, ("pages", name), body, "properties")
             for name, body in (data.get("pages") or {}).items()}
    screens = {name: spec("screen", name, ("screens", name), body, "properties")
               for name, body in (data.get("screens") or {}).items()}

    # Named types are resolved once; each message schema gets the ones it uses in $defs.
    type_schemas: dict[str, Any] = {}
    for name, fragment in types.items():
        type_path, type_source = type_sources[name]
        sub = Resolver(type_source, library, types, policy, library_sources, type_sources,
                       resolver.diagnostics, resolver.used_library, resolver.used_types,
                       budget=resolver.budget)
        locations: dict[PathKey, Location] = {}
        type_schemas[name] = sub.nested(fragment, type_path, ("$defs", name), locations)
    for name, cycle in in_place_cycles(type_schemas).items():
        type_path, type_source = type_sources[name]
        where = type_source.key_location(type_path)
        shown = " -> ".join(cycle if len(cycle) <= 6 else [*cycle[:3], "...", *cycle[-2:]])
        diagnostics.append(Diagnostic(
            "PL108", "unresolved-reference", Severity.ERROR,
            f"type {name!r} refers back to itself ({shown}) without going into a property or "
            "an item, so it describes no value and cannot be checked; a recursive shape "
            "refers to itself inside `properties` or `items`",
            where.file, where.line, where.column, path=format_path(type_path)))
    all_specs = [*events.values(), *pages.values(), *screens.values(),
                 *(s for s in (identify, group) if s is not None)]
    for message in all_specs:
        used = referenced_types(message.schema, type_schemas)
        if used:
            message.schema["$defs"] = {name: type_schemas[name] for name in sorted(used)}  # type: ignore[index]
        way = root_cycle(message.schema)
        if way is not None:
            diagnostics.append(_root_cycle_finding(message, way, source, type_sources))
    # Check every library entry, used or not, so a bad type is found where it is written.
    checker = Resolver(source, library, types, policy, library_sources, type_sources,
                       resolver.diagnostics,  # (a budget of its own; PL115 said once,
                       # and once said, entries are checked without expanding others)
                       budget=ExpansionBudget(left=0, reported=True) if resolver.budget.reported
                       else ExpansionBudget())
    for name in library:
        lib_path, lib_source = library_sources[name]
        checker.source = lib_source
        checker.fragment_schema(library[name], lib_path, (), {})
    diagnostics.extend(resolver.diagnostics)
    return Plan(
        id=data.get("plan") or data.get("library", ""), version=data.get("version"), file=source.file,
        description=data.get("description"), owners=tuple(data.get("owners") or ()),
        conventions=dict(data.get("conventions") or {}), additional_properties=policy,
        lint_rules=dict((data.get("lint") or {}).get("rules") or {}),
        events=events, identify=identify, group=group, pages=pages, screens=screens,
        library=library, types=type_schemas, data=data, source=source,
        imported=tuple(imported))


def _merge_raw(schema: dict[str, Any], raw: Any) -> None:
    """A message's own ``schema:`` (raw JSON Schema of the whole payload), merged in: its
    keywords where the payload has none, and under ``allOf`` where it has the same keyword."""
    if not isinstance(raw, Mapping):
        return
    for key, value in raw.items():
        if key not in schema:
            schema[key] = value
        else:
            schema.setdefault("allOf", []).append({key: value})


def _root_cycle_finding(message: MessageSpec, way: list[PathKey], source: SourceMap,
                        type_sources: Mapping[str, tuple[PathKey, SourceMap]]) -> Diagnostic:
    """PL108 for a payload schema that reaches itself in place (:func:`root_cycle`),
    positioned at the reference that closes the cycle: in the message's own ``schema:``, or
    in the type that holds it."""
    names: list[str] = []
    for path in way[:-1]:
        name = f"type {path[1]!r}" if len(path) > 1 and path[0] == "$defs" else "the payload"
        if not names or names[-1] != name:
            names.append(name)
    names.append("the payload")
    shown = " -> ".join(names if len(names) <= 6 else [*names[:3], "...", *names[-2:]])
    closing = way[-1]
    if len(closing) > 1 and closing[0] == "$defs" and str(closing[1]) in type_sources:
        base, source = type_sources[str(closing[1])]
        inside = closing[2:]
    else:
        base, inside = (*message.plan_path, "schema"), closing
    path = _raw_path(source, base, inside)
    where = source.value_location(path)
    what = f"event {message.name!r}" if message.kind == "track" else message.label
    return Diagnostic(
        "PL108", "unresolved-reference", Severity.ERROR,
        f"the {message.payload_field} of {what} refer back to themselves in place ({shown}) "
        "without going into a property or an item, so they describe no value and cannot be "
        "checked; a recursive payload refers to itself (`$ref: \"#\"`) inside `properties` "
        "or `items`",
        where.file, where.line, where.column, path=format_path(path))


def _raw_path(source: SourceMap, base: PathKey, inside: PathKey) -> PathKey:
    """Where a compiled schema path is written: as it is, or inside the raw ``schema:``
    block it came from (plan keys and raw blocks are merged when a fragment compiles)."""
    for path in ((*base, *inside), (*base, "schema", *inside)):
        if path in source.values or path in source.keys:
            return path
    return (*base, *inside)


def discover_plan_files(paths: list[str]) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` under the given files and directories, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in PLAN_SUFFIXES
                                and p.is_file()))
        else:
            found.append(path)
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path, None)
    return list(unique)
