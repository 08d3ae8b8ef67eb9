"""The one diagnostic type that every command (lint, validate, diff) produces.

Checks create diagnostics with their rule's default severity; the configured severity is
stamped on afterwards with :meth:`Diagnostic.with_severity`, so a check never needs to know
about configuration. Reporters only format sequences of these records.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any


class Severity(enum.Enum):
    """How serious a finding is. ``OFF`` only appears in configuration, never in output."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"

    @property
    def rank(self) -> int:
        """Higher is more severe; used to sort and to decide exit codes."""
        return {"error": 3, "warning": 2, "info": 1, "off": 0}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        aliases = {"warn": "warning", "err": "error", "information": "info", "none": "off"}
        value = aliases.get(text.strip().lower(), text.strip().lower())
        try:
            return cls(value)
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose one of {choices})") from None


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based position in a file. ``line``/``column`` are None when unknown."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Frozen, hashable and sortable (see :meth:`sort_key`).

    ``path`` is a readable JSON path inside the document the finding is about: the plan for
    lint and diff (``events["Order Completed"].properties.total``), the message for validate
    (``properties.products[2].price``). ``related`` points at the plan rule a message broke.
    """

    code: str
    name: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    suggestion: str | None = None
    event: str | None = None
    related: Location | None = None

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    @property
    def location(self) -> Location | None:
        if self.file is None:
            return None
        return Location(self.file, self.line, self.column)

    def sort_key(self) -> tuple[Any, ...]:
        return (
            self.file or "",
            self.line or 0,
            self.column or 0,
            -self.severity.rank,
            self.code,
            self.path or "",
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, which deep-copies: a JSON report of
        # a large validate run converts every finding.
        related = self.related
        return {
            "code": self.code, "name": self.name, "severity": self.severity.value,
            "message": self.message, "file": self.file, "line": self.line,
            "column": self.column, "path": self.path, "suggestion": self.suggestion,
            "event": self.event,
            "related": None if related is None else {
                "file": related.file, "line": related.line, "column": related.column},
        }


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for diagnostic in diagnostics:
        if diagnostic.severity is not Severity.OFF:
            counts[diagnostic.severity.value] += 1
    return counts


def worst_severity(diagnostics: Sequence[Diagnostic]) -> Severity | None:
    worst: Severity | None = None
    for diagnostic in diagnostics:
        if worst is None or diagnostic.severity.rank > worst.rank:
            worst = diagnostic.severity
    return worst


_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def format_path(parts: Iterable[str | int]) -> str:
    """Render a path as ``a.b[2]["odd key"]``: dots for identifiers, brackets otherwise."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}" if out else part)
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


class Coded:
    """A registered code of a command (validate's PV..., scan's PS...): its findings are
    made here, so each carries the code's name and default severity."""

    code: str
    name: str
    default: Severity

    def diagnostic(self, message: str, *, file: str | None = None, line: int | None = None,
                   column: int | None = None, path: str | None = None,
                   suggestion: str | None = None, event: str | None = None,
                   related: Location | None = None,
                   severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(code=self.code, name=self.name, severity=severity or self.default,
                          message=message, file=file, line=line, column=column, path=path,
                          suggestion=suggestion, event=event, related=related)
