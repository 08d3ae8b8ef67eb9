"""Accepted changes: known, reviewed changes that should not fail the diff again.

The file (default ``.protocols-accepted.yaml``) is a YAML list; each entry names a rule (id or
code) and either a ``path`` (the diagnostic's plan path; ``*`` wildcards allowed) or an
``event``, and gives a ``reason``::

    - rule: event-removed
      event: Legacy Clicked
      reason: Dropped on all platforms in 4.2 (JIRA-123).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from protocols.diagnostics import Diagnostic, Severity
from protocols.diff.model import Change
from protocols.diff.rules import CHANGE_RULES, ChangeRule, get_change_rule
from protocols.naming import did_you_mean
from protocols.yamlsrc import YamlError, decode_source, load_yaml

DEFAULT_FILE = ".protocols-accepted.yaml"
ENTRY_KEYS = ("rule", "path", "event", "reason")


class AcceptedError(Exception):
    """A malformed accepted-changes file; carries positioned diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        first = diagnostics[0]
        super().__init__(f"{first.file}:{first.line}:{first.column}: {first.message}")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Acceptance:
    rule: ChangeRule
    reason: str
    path: str | None = None
    event: str | None = None
    line: int | None = None

    def matches(self, change: Change) -> bool:
        if change.rule.id != self.rule.id:
            return False
        if self.path is not None and not fnmatch.fnmatchcase(change.path, self.path):
            return False
        return self.event is None or change.event == self.event


@dataclass(frozen=True)
class AcceptedChanges:
    file: str | None = None
    entries: tuple[Acceptance, ...] = ()

    def find(self, change: Change) -> int | None:
        """The index of the first entry that accepts ``change``."""
        return next((i for i, entry in enumerate(self.entries) if entry.matches(change)), None)


def _problem(message: str, file: str, line: int, column: int) -> Diagnostic:
    return Diagnostic("PD000", "accepted-file", Severity.ERROR, message, file, line, column)


def load_accepted(path: Path, *, shown: str) -> AcceptedChanges:
    """Read and check an accepted-changes file; raises :class:`AcceptedError`."""
    try:
        data, source = load_yaml(decode_source(path.read_bytes(), shown), shown)
    except YamlError as exc:
        raise AcceptedError(list(exc.diagnostics)) from None
    except OSError as exc:
        raise AcceptedError([_problem(f"cannot read: {exc.strerror or exc}", shown, 1, 1)]) from None
    if data is None:
        return AcceptedChanges(shown)
    if not isinstance(data, list):
        where = source.value_location(())
        raise AcceptedError([_problem("an accepted-changes file is a list of "
                                      "{rule, path or event, reason} entries",
                                      shown, where.line or 1, where.column or 1)])
    entries: list[Acceptance] = []
    problems: list[Diagnostic] = []
    for index, item in enumerate(data):
        where = source.value_location((index,))
        line, column = where.line or 1, where.column or 1
        if not isinstance(item, dict):
            problems.append(_problem("each entry is a mapping with rule, path or event, and "
                                     "reason", shown, line, column))
            continue
        unknown = [k for k in item if k not in ENTRY_KEYS]
        for key in unknown:
            at = source.key_location((index, key))
            hint = did_you_mean(str(key), list(ENTRY_KEYS))
            problems.append(_problem(f"unknown key {key!r}" + (f"; did you mean {hint!r}?"
                                                               if hint else ""),
                                     shown, at.line or line, at.column or column))
        rule = get_change_rule(str(item.get("rule", "")))
        if rule is None:
            at = source.value_location((index, "rule"))
            hint = did_you_mean(str(item.get("rule", "")), list(CHANGE_RULES))
            problems.append(_problem(
                f"unknown change rule {item.get('rule')!r}"
                + (f"; did you mean {hint!r}?" if hint else " (see docs/rules.md)"),
                shown, at.line or line, at.column or column))
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(_problem("every accepted change needs a `reason`", shown, line,
                                     column))
        if item.get("path") is None and item.get("event") is None:
            problems.append(_problem("say which change: give a `path` or an `event`", shown,
                                     line, column))
        if rule is not None and isinstance(reason, str) and not unknown:
            entries.append(Acceptance(
                rule, reason.strip(),
                None if item.get("path") is None else str(item["path"]),
                None if item.get("event") is None else str(item["event"]), line))
    if problems:
        raise AcceptedError(problems)
    return AcceptedChanges(shown, tuple(entries))
