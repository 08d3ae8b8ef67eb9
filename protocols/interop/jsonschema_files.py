"""JSON Schema files to plan data: one schema per event, plain or Snowplow Iglu.

Three shapes are recognised, per file:

* a Snowplow Iglu self-describing schema (``self: {vendor, name, format, version}``, usually
  at ``vendor/name/jsonschema/1-0-0`` without an extension): the event is ``self.name``; of
  several versions of one schema the highest SchemaVer is kept and the others are reported;
* a whole-message schema, as ``protocols export jsonschema`` writes (``properties.type.const``
  names the message kind, ``properties.event.const`` or ``properties.name.const`` its name);
* otherwise a plain payload schema of a track event named by its ``title``, or by its file
  name without extension.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from protocols.interop.conventions import with_conventions
from protocols.interop.drafts import is_draft4, upgrade, uses_integer
from protocols.interop.errors import InteropError
from protocols.interop.jsonio import read_json
from protocols.interop.schema2plan import Converter
from protocols.plan.loader import display_path

_KINDS = {"track": "events", "page": "pages", "screen": "screens", "identify": "identify",
          "group": "group"}
_SCHEMAVER = re.compile(r"^(\d+)-(\d+)-(\d+)$")


def schema_files(paths: Iterable[str]) -> list[Path]:
    """The files named, and under each folder every ``*.json`` and every Iglu schema file."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and (
                p.suffix == ".json" or _SCHEMAVER.match(p.name))))
        elif path.exists():
            found.append(path)
        else:
            raise InteropError("no such file or folder", file=raw)
    if not found:
        raise InteropError("no JSON Schema files found (looked for *.json and Iglu "
                           "vendor/name/jsonschema/M-R-A files)")
    return list(dict.fromkeys(found))


def jsonschema_paths_to_plan(paths: Iterable[str], *, plan_id: str
                             ) -> tuple[dict[str, Any], list[str]]:
    """Read schema files (and folders of them) into plan data and warnings."""
    sources = [(display_path(p), read_json(p, display_path(p)), p.stem)
               for p in schema_files(paths)]
    return jsonschemas_to_plan(sources, plan_id=plan_id)


def jsonschemas_to_plan(sources: Sequence[tuple[str, Any, str]], *, plan_id: str
                        ) -> tuple[dict[str, Any], list[str]]:
    """Plan data from ``(file shown in messages, parsed schema, default event name)``."""
    converter = Converter()
    plan: dict[str, Any] = {"protocols": 1, "plan": plan_id}
    entries: list[tuple[str, str, str, Mapping[str, Any], Mapping[str, Any], dict[str, Any]]] = []
    iglu_best: dict[tuple[str, str], tuple[tuple[int, ...], int]] = {}
    integer_files = 0
    skipped = 0
    for file, source, stem in sources:
        if not isinstance(source, Mapping):
            raise InteropError("a JSON Schema file must hold a JSON object", file=file)
        other = _other_format(source, file)
        if other is not None:
            converter.warnings.append(f"{file}: not a JSON Schema ({other}); skipped")
            skipped += 1
            continue
        if is_draft4(source) and uses_integer(source):
            integer_files += 1
        schema = upgrade(source)
        kind, name, payload, extra = _identify(schema, stem, file)
        root = payload.get("type")
        roots = [root] if isinstance(root, str) else root if isinstance(root, list) else None
        if roots is not None and "object" not in roots:
            converter.warnings.append(
                f"{file}: the schema is not of an object (type {root!r}); Segment properties "
                "and traits are objects, so it cannot be a message; skipped")
            skipped += 1
            continue
        index = len(entries)
        entries.append((file, kind, name, schema, payload, extra))
        iglu = schema.get("self")
        if isinstance(iglu, Mapping) and "x-iglu" in extra:
            key = (str(iglu.get("vendor")), name)
            version = _schemaver(iglu.get("version"))
            best = iglu_best.get(key)
            if best is not None:
                low = entries[best[1]] if version > best[0] else entries[index]
                converter.warnings.append(
                    f"{low[0]}: {low[5]['x-iglu']} is an older version of "
                    f"{key[0]}/{name}; dropped (the highest version is kept)")
            if best is None or version > best[0]:
                iglu_best[key] = (version, index)
    if skipped and not entries:
        raise InteropError(f"no JSON Schema among the {skipped} file(s): "
                           + "; ".join(converter.warnings[:3]))
    keep = {index for _, index in iglu_best.values()}
    # One name from several vendors: each keeps its vendor in the event name.
    vendors: dict[str, set[str]] = {}
    for vendor, name in iglu_best:
        vendors.setdefault(name, set()).add(vendor)
    for (vendor, name), (_, index) in iglu_best.items():
        if len(vendors[name]) > 1:
            file, kind, _, schema, payload, extra = entries[index]
            entries[index] = (file, kind, f"{vendor}/{name}", schema, payload, extra)
    for index, (file, kind, name, schema, payload, extra) in enumerate(entries):
        if "x-iglu" in extra and index not in keep:
            continue
        body: dict[str, Any] = {}
        description = schema.get("description")
        if isinstance(description, str) and description:
            body["description"] = description
        if schema.get("deprecated") is True or payload.get("deprecated") is True:
            body["deprecated"] = True
        if schema is not payload:
            converter.collect_types(schema, file)
        props, keys = converter.payload(payload, file)
        body.update(keys)
        body["traits" if kind in ("identify", "group") else "properties"] = props
        body.update(extra)
        section = _KINDS[kind]
        if section in ("identify", "group"):
            if section in plan:
                converter.warnings.append(f"{file}: a second {kind} schema; skipped")
                continue
            plan[section] = body
            continue
        table = plan.setdefault(section, {})
        if name in table:
            converter.warnings.append(f"{file}: {kind} {name!r} is already planned by an "
                                      "earlier file; skipped")
            continue
        table[name] = body
    if converter.types:
        plan["types"] = converter.types
    order = ["protocols", "plan", "types", "events", "identify", "group", "pages", "screens"]
    notes = []
    if integer_files:
        notes.append(f"{integer_files} draft 4 schema(s) use `integer`: draft 4 rejects an "
                     "integer-valued float such as 1.0 there, plans (draft 2020-12) accept it")
    ordered = with_conventions({k: plan[k] for k in order if k in plan})
    return ordered, [*converter.summary(), *notes]


_OTHER_FORMATS = ("avro", "thrift", "protobuf")


def _other_format(schema: Mapping[str, Any], file: str) -> str | None:
    """Why a JSON document is not a JSON Schema (an Iglu Avro, Thrift or Protobuf entry)."""
    iglu = schema.get("self")
    declared = iglu.get("format") if isinstance(iglu, Mapping) else None
    if isinstance(declared, str) and declared != "jsonschema":
        return f"Iglu format {declared!r}"
    folder = Path(file).parent.name
    if folder in _OTHER_FORMATS and _SCHEMAVER.match(Path(file).name):
        return f"Iglu format {folder!r}"
    if schema.get("type") == "record" and isinstance(schema.get("fields"), list):
        return "an Avro record schema"
    if isinstance(schema.get("idl"), str):
        return "an interface definition (IDL)"
    return None


def _identify(schema: Mapping[str, Any], stem: str, file: str
              ) -> tuple[str, str, Mapping[str, Any], dict[str, Any]]:
    """Message kind, name, payload schema and extra event keys of one schema file."""
    iglu = schema.get("self")
    if isinstance(iglu, Mapping):
        missing = [k for k in ("vendor", "name", "format", "version") if not iglu.get(k)]
        if missing:
            raise InteropError(f"Iglu `self` is missing {', '.join(missing)}", file=file)
        uri = f"iglu:{iglu['vendor']}/{iglu['name']}/{iglu['format']}/{iglu['version']}"
        payload = {k: v for k, v in schema.items() if k != "self"}
        return "track", str(iglu["name"]), payload, {"x-iglu": uri}
    props = schema.get("properties")
    if isinstance(props, Mapping):
        kind_schema = props.get("type")
        kind = kind_schema.get("const") if isinstance(kind_schema, Mapping) else None
        if kind in _KINDS:
            field = "traits" if kind in ("identify", "group") else "properties"
            name_schema = props.get("event" if kind == "track" else "name")
            name = name_schema.get("const") if isinstance(name_schema, Mapping) else None
            if kind in ("track", "page", "screen") and not isinstance(name, str):
                raise InteropError(f"a {kind} message schema without a constant "
                                   f"`{'event' if kind == 'track' else 'name'}`", file=file)
            found = props.get(field)
            body: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            return str(kind), str(name or kind), body, {}
    title = schema.get("title")
    return "track", title if isinstance(title, str) and title else stem, schema, {}


def _schemaver(value: Any) -> tuple[int, ...]:
    match = _SCHEMAVER.match(str(value))
    return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)
