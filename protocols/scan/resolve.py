"""Resolving names: a reference in a call to the literal it stands for, across files.

Every language writes its constants and imports into :class:`FileFacts` the same way, so
one lookup serves all: the file's own symbols, then what it imports (Python modules, JS/TS
relative modules, Go packages by import path), then the languages whose names are global to
a module or a class (Kotlin and Java classes and objects, Swift types, Go package peers).
Enum members resolve to their value (``.value``, ``.rawValue``, any accessor) or, by
``name``, to their own name. Lookups are bounded in depth, so a cycle of constants ends.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Sequence

from protocols.scan.languages import FAMILY
from protocols.scan.model import FileFacts, Lit, Obj, Opaque, Ref, Value

MAX_HOPS = 16
_NAME_ACCESSORS = frozenset({"name", "name()", "toString()"})
_JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


def _python_modules(path: str) -> list[str]:
    """Every dotted module name a Python file can be imported as (``src/app/x.py`` is
    ``src.app.x``, ``app.x`` and ``x``: the scan does not know the source roots)."""
    parts = posixpath.normpath(path.replace("\\", "/")).split("/")
    parts = [p for p in parts if p not in ("", ".")]
    if not parts:
        return []
    parts[-1] = parts[-1][:-3] if parts[-1].endswith(".py") else parts[-1]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [".".join(parts[i:]) for i in range(len(parts)) if ".." not in parts[i:]]


def _js_key(path: str) -> str:
    normal = posixpath.normpath(path.replace("\\", "/"))
    for extension in _JS_EXTENSIONS:
        if normal.endswith(".d" + extension):
            return normal[: -len(extension) - 2]
        if normal.endswith(extension):
            return normal[: -len(extension)]
    return normal


class Resolver:
    def __init__(self, files: Sequence[FileFacts]) -> None:
        self.python: dict[str, list[FileFacts]] = defaultdict(list)
        self.js: dict[str, list[FileFacts]] = defaultdict(list)
        self.go_dirs: dict[str, list[FileFacts]] = defaultdict(list)
        self.global_files: dict[str, list[FileFacts]] = defaultdict(list)  # jvm, swift
        self._cache: dict[tuple[str, tuple[str, ...]], Value | None] = {}
        self._prefixes: dict[str, list[tuple[str, ...]]] = {}
        for facts in files:
            family = FAMILY.get(facts.language, "")
            if family == "python":
                for name in _python_modules(facts.path):
                    self.python[name].append(facts)
            elif family == "js":
                key = _js_key(facts.path)
                self.js[key].append(facts)
                if posixpath.basename(key) == "index":
                    self.js[posixpath.dirname(key) or "."].append(facts)
            elif family == "go":
                self.go_dirs[posixpath.dirname(posixpath.normpath(facts.path))].append(facts)
            elif family in ("jvm", "swift"):
                self.global_files[family].append(facts)

    # -- the public lookups ------------------------------------------------------------------

    def resolve(self, facts: FileFacts, value: Value) -> Value:
        """``value`` with references followed: a :class:`Lit` (or object, array...) when
        they lead to one, else an :class:`Opaque` saying why not."""
        if not isinstance(value, Ref):
            return value
        found = self.lookup(facts, value.parts, 0)
        if found is None:
            return Opaque(f"`{value.dotted}` is not a constant the scan can find", value.line,
                          value.column)
        if not isinstance(found, Ref):
            return _at(found, value) if isinstance(found, Lit) else found
        return Opaque(f"`{value.dotted}` refers to `{found.dotted}`, which the scan cannot "
                      "find", value.line, value.column)

    def lookup(self, facts: FileFacts, parts: Sequence[str], hops: int) -> Value | None:
        if hops > MAX_HOPS or not parts:
            return None
        key = (facts.path, tuple(parts))
        if key in self._cache:
            return self._cache[key]
        self._cache[key] = None  # a cycle comes back here and finds nothing
        found = self._lookup(facts, tuple(parts), hops)
        self._cache[key] = found
        return found

    # -- steps --------------------------------------------------------------------------------

    def _lookup(self, facts: FileFacts, parts: tuple[str, ...], hops: int) -> Value | None:
        found = self._local(facts, parts, hops)
        if found is not None:
            return found
        head = parts[0]
        imported = facts.imports.get(head)
        if imported is not None:
            found = self._imported(facts, imported.module, imported.name, parts[1:], hops)
            if found is not None:
                return found
        for module in facts.star_imports:
            for target in self._modules(facts, module):
                found = self.lookup(target, parts, hops + 1)
                if found is not None:
                    return found
        return self._global(facts, parts, hops)

    def _local(self, facts: FileFacts, parts: tuple[str, ...], hops: int) -> Value | None:
        found = self._own(facts, parts, hops)
        if found is None and FAMILY.get(facts.language) in ("jvm", "swift"):
            # Inside a class, its own constants need no prefix: SIGNED means Legacy.SIGNED.
            for owner in self._owners(facts):
                found = self._own(facts, (*owner, *parts), hops)
                if found is not None:
                    break
        return found

    def _owners(self, facts: FileFacts) -> list[tuple[str, ...]]:
        cached = self._prefixes.get(facts.path)
        if cached is None:
            cached = sorted({tuple(k.split(".")[:-1]) for k in facts.symbols if "." in k})
            self._prefixes[facts.path] = cached
        return cached

    def _own(self, facts: FileFacts, parts: tuple[str, ...], hops: int) -> Value | None:
        for split in range(len(parts), 0, -1):
            key = ".".join(parts[:split])
            value = facts.symbols.get(key)
            if value is None:
                continue
            rest = parts[split:]
            member = facts.enum_members.get(key)
            if member is not None and rest:
                if rest[0] in _NAME_ACCESSORS:
                    return Lit(member, value.line, value.column)
                rest = rest[1:]  # .value, .rawValue, .wire, .getValue(): the member's value
            return self._follow(facts, value, rest, hops)
        return None

    def _follow(self, facts: FileFacts, value: Value, rest: tuple[str, ...],
                hops: int) -> Value | None:
        if isinstance(value, Ref):
            return self.lookup(facts, (*value.parts, *rest), hops + 1)
        if not rest:
            return value
        if isinstance(value, Obj):
            for entry in value.entries:
                key = self.resolve(facts, entry.key) if isinstance(entry.key, Ref) else entry.key
                if isinstance(key, Lit) and key.value == rest[0]:
                    return self._follow(facts, entry.value, rest[1:], hops + 1)
        return None

    def _imported(self, facts: FileFacts, module: str | None, name: str | None,
                  rest: tuple[str, ...], hops: int) -> Value | None:
        if module is None:  # JVM/Swift: one namespace; the import names a class or member
            if name is None:
                return None
            return self._global(facts, (*name.split("."), *rest), hops, skip_self=False)
        targets = self._modules(facts, module)
        if name is None:
            for target in targets:
                found = self.lookup(target, rest, hops + 1) if rest else None
                if found is not None:
                    return found
            if FAMILY.get(facts.language) == "python":  # import app.events; app.events.X
                for split in range(1, len(rest)):
                    for target in self._modules(facts, ".".join((module, *rest[:split]))):
                        found = self.lookup(target, rest[split:], hops + 1)
                        if found is not None:
                            return found
            return None
        for target in targets:
            found = self.lookup(target, (name, *rest), hops + 1)
            if found is not None:
                return found
        if FAMILY.get(facts.language) == "python" and rest:  # from pkg import module
            joined = module + ("" if module.endswith(".") else ".") + name
            for target in self._modules(facts, joined):
                found = self.lookup(target, rest, hops + 1)
                if found is not None:
                    return found
        return None

    def _modules(self, facts: FileFacts, module: str) -> list[FileFacts]:
        family = FAMILY.get(facts.language, "")
        if family == "python":
            return self.python.get(_absolute_python(facts.path, module), [])
        if family == "js":
            if module.startswith("."):
                base = posixpath.normpath(posixpath.join(posixpath.dirname(
                    posixpath.normpath(facts.path)), module))
                found = self.js.get(_js_key(base), [])
            else:
                found = self._js_suffix(module)
            # names.ts beside names.js: a TypeScript import means the TypeScript file.
            return sorted(found, key=lambda other: other.language != facts.language)
        if family == "go":
            return self._go_package(module)
        return []

    def _js_suffix(self, module: str) -> list[FileFacts]:
        """A bare or aliased specifier (``@/events``, ``app/events``): the scanned module
        whose path ends with it, when exactly one does."""
        tail = module.lstrip("@~/").split("/", 1)[-1] if module.startswith(("@/", "~/")) \
            else module
        tail = _js_key(tail)
        found = [files for key, files in self.js.items()
                 if key == tail or key.endswith("/" + tail)]
        return found[0] if len(found) == 1 else []

    def _go_package(self, import_path: str) -> list[FileFacts]:
        wanted = import_path.strip("/").split("/")
        best: list[FileFacts] = []
        best_score = 0
        for folder, files in self.go_dirs.items():
            have = [p for p in folder.split("/") if p not in ("", ".")]
            score = 0
            while score < min(len(have), len(wanted)) and have[-1 - score] == wanted[-1 - score]:
                score += 1
            if score > best_score:
                best, best_score = files, score
        return best

    def _global(self, facts: FileFacts, parts: tuple[str, ...], hops: int, *,
                skip_self: bool = True) -> Value | None:
        family = FAMILY.get(facts.language, "")
        if family == "go":
            folder = posixpath.dirname(posixpath.normpath(facts.path))
            for peer in self.go_dirs.get(folder, []):
                if peer is not facts and peer.package == facts.package:
                    found = self._local(peer, parts, hops + 1)
                    if found is not None:
                        return self._in_file(peer, found, hops)
            return None
        # Nearest first: the same package and language, then the same package, then others.
        candidates = sorted(self.global_files.get(family, []), key=lambda other: (
            other.package != facts.package, other.language != facts.language))
        for other in candidates:
            if skip_self and other is facts:
                continue
            found = self._local(other, parts, hops + 1)
            if found is not None:
                return self._in_file(other, found, hops)
        return None

    def _in_file(self, owner: FileFacts, found: Value, hops: int) -> Value | None:
        if isinstance(found, Ref):
            return self.lookup(owner, found.parts, hops + 1)
        return found


def _absolute_python(path: str, module: str) -> str:
    """``.events`` imported from ``app/views.py`` is ``app.events``."""
    if not module.startswith("."):
        return module
    level = len(module) - len(module.lstrip("."))
    names = _python_modules(path)
    package = names[0].split(".")[:-1] if names else []
    if posixpath.basename(path) == "__init__.py" and names:
        package = names[0].split(".")
    package = package[: len(package) - (level - 1)] if level > 1 else package
    rest = module.lstrip(".")
    return ".".join([*package, rest] if rest else package)


def _at(found: Lit, where: Ref) -> Lit:
    """A resolved literal, positioned where the code refers to it."""
    return Lit(found.value, where.line, where.column)
