"""The plan in force, and its reload when the plan file (or a file it imports) changes.

The watcher compares a cheap signature (size and modification time) of the plan file, the
library files the plan in force imports, and the YAML files beside the plan (so fixing an
import of a broken plan is seen too). A plan that fails to load leaves the last good one in
force; its errors are kept, positioned, for the page and the API to show.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from protocols.plan import Plan, PlanError, load_plan
from protocols.plan.loader import PLAN_SUFFIXES, display_path

MAX_WATCHED = 1_000  # YAML files beside the plan whose changes trigger a reload
MAX_ERRORS_SHOWN = 20

Signature = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class PlanStatus:
    """What the page says about the plan: the one in force and, if the file changed since
    into something that does not load, why."""

    file: str
    id: str
    version: str | None
    digest: str  # the first 12 hex digits of the plan file's SHA-256
    revision: int  # 1 for the plan loaded at start, +1 for each reload
    loaded_at: float
    errors: tuple[str, ...] = ()  # the failed reload's errors (file:line:column: message)
    failed_at: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "id": self.id, "version": self.version,
                "digest": self.digest, "revision": self.revision,
                "loaded_at": self.loaded_at, "errors": list(self.errors),
                "failed_at": self.failed_at, "broken": bool(self.errors)}


class PlanWatch:
    """Loads the plan at ``path`` and reloads it when it changes."""

    def __init__(self, path: Path, *, loader: Callable[[Path], Plan] = load_plan) -> None:
        self.path = path
        self._loader = loader
        self._signature: Signature = ()
        self._imports: tuple[Path, ...] = ()
        self.status: PlanStatus | None = None

    def load(self) -> Plan:
        """The plan at start-up; raises :class:`PlanError` (the CLI prints it and exits)."""
        signature = self.signature()
        plan = self._loader(self.path)
        self._accept(plan, signature)
        return plan

    def changed(self) -> bool:
        return self.signature() != self._signature

    def reload(self) -> Plan | None:
        """The new plan when the files changed and it loads; None otherwise (unchanged, or
        broken: then :attr:`status` says why and the last good plan stays in force)."""
        signature = self.signature()
        if signature == self._signature:
            return None
        self._signature = signature
        assert self.status is not None
        try:
            plan = self._loader(self.path)
        except PlanError as exc:
            self.status = _failed(self.status, [_line(d.file, d.line, d.column, d.message)
                                                for d in exc.diagnostics])
            return None
        except Exception as exc:  # deleted, unreadable...: the last good plan stays
            self.status = _failed(self.status, [f"{display_path(self.path)}: {exc}"])
            return None
        self._accept(plan, signature)
        return plan

    def _accept(self, plan: Plan, signature: Signature) -> None:
        self._signature = signature
        self._imports = tuple(Path(file) for file, _, _ in plan.imported)
        revision = self.status.revision + 1 if self.status is not None else 1
        self.status = PlanStatus(display_path(self.path), plan.id, plan.version,
                                 _digest(self.path), revision, time.time())
        self._signature = self.signature()  # (the imports are known now)

    def signature(self) -> Signature:
        files = {self.path, *self._imports}
        try:
            beside = sorted(p for p in self.path.parent.iterdir()
                            if p.suffix.lower() in PLAN_SUFFIXES)
        except OSError:
            beside = []
        files.update(beside[:MAX_WATCHED])
        found = []
        for file in sorted(files):
            try:
                stat = file.stat()
            except OSError:
                found.append((str(file), -1, -1))
                continue
            found.append((str(file), stat.st_size, stat.st_mtime_ns))
        return tuple(found)


def _failed(status: PlanStatus, errors: list[str]) -> PlanStatus:
    shown = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > len(shown):
        shown.append(f"... and {len(errors) - len(shown)} more")
    return PlanStatus(status.file, status.id, status.version, status.digest, status.revision,
                      status.loaded_at, tuple(shown), time.time())


def _line(file: str | None, line: int | None, column: int | None, message: str) -> str:
    where = ":".join(str(part) for part in (file, line, column) if part is not None)
    return f"{where}: {message}" if where else message


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return "?"
