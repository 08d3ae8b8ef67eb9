"""``--format junit``: JUnit XML, so a CI test tab shows pass/fail per event, file or change.

- validate: one test case per planned event (failed with example violations in the failure
  text), one for unplanned events, one for messages that could not be read as an event.
- lint: one test case per plan file and rule with findings, one for the clean files.
- scan: one test case per planned message (failed when it has a finding at the failing
  level: not sent with ``--fail-on missing``, a misspelled name, a wrong literal value), one
  for unplanned events and one for the source files (unreadable files, unresolved names).
- diff (and any other command): one test case per code (change kind).

A case fails when it has a finding at or above ``RenderOptions.fail_on``, the level that
makes the command fail; findings below it are listed in the case's ``system-out``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import UNPLANNED_EVENT_NAMES, display_file, plural, suggestion_note
from protocols.safetext import printable

# Characters XML 1.0 cannot carry at all, even escaped; shown as \\uXXXX instead.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MAX_EXAMPLES = 20


def xml_text(text: str) -> str:
    """Text a CI page shows: sanitised (its lines are the reporter's own), valid in XML."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", printable(text, newlines=True))


@dataclass
class Case:
    classname: str
    name: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    headline: str = ""  # the failure message when the case fails
    # validate counts a message invalid at its own --fail-on level, examples or not
    # (--max-examples 0 keeps none): such an event fails even with no diagnostic to show.
    invalid: int = 0


def _fails(diagnostic: Diagnostic, options: RenderOptions) -> bool:
    return options.fail_on is not None and diagnostic.severity.rank >= options.fail_on.rank


def _describe(diagnostic: Diagnostic, options: RenderOptions) -> str:
    where = ""
    if diagnostic.file is not None:
        where = display_file(diagnostic.file, options.source_root)
        if diagnostic.line is not None:
            where += f":{diagnostic.line}" + (
                f":{diagnostic.column}" if diagnostic.column is not None else "")
    lines = [f"{diagnostic.severity.value}[{diagnostic.code} {diagnostic.name}]: "
             f"{diagnostic.message}"]
    if where:
        lines.append(f"  --> {where}")
    if diagnostic.path:
        lines.append(f"  = path: {diagnostic.path}")
    if diagnostic.related is not None:
        lines.append(f"  = rule: {diagnostic.related}")
    note = suggestion_note(diagnostic)
    if note is not None:
        lines.append(f"  = help: {note}")
    return "\n".join(printable(line) for line in lines)


def _listing(diagnostics: Sequence[Diagnostic], options: RenderOptions) -> str:
    shown = [_describe(d, options) for d in diagnostics[:MAX_EXAMPLES]]
    if len(diagnostics) > MAX_EXAMPLES:
        shown.append(f"...and {plural(len(diagnostics) - MAX_EXAMPLES, 'more finding')}")
    return "\n\n".join(shown)


def _validate_cases(result: RunResult) -> list[Case]:
    by_event: dict[str, Any] = dict(result.summary.get("by_event") or {})
    unplanned = {d.event for d in result.diagnostics
                 if d.event is not None and d.name in UNPLANNED_EVENT_NAMES}
    planned = sorted((set(by_event) | {d.event for d in result.diagnostics
                                       if d.event is not None}) - unplanned)
    cases = {event: Case("validate.events", event) for event in planned}
    for event, case in cases.items():
        counts = by_event.get(event, {})
        case.invalid = int(counts.get("invalid", 0))
        case.headline = (f"{case.invalid} of {counts.get('messages', 0)} messages invalid"
                         if counts else "violations")
    unplanned_case = Case("validate", "unplanned events")
    total = sum(int(by_event.get(e, {}).get("messages", 0)) for e in unplanned)
    unplanned_case.headline = (f"{plural(len(unplanned), 'unplanned event')} "
                               f"in {plural(total, 'message')}")
    unparseable = int(result.summary.get("unparseable", 0))
    unreadable = Case("validate", "unreadable messages",
                      headline=f"{plural(unparseable, 'message')} could not be read")
    for diagnostic in result.diagnostics:
        if diagnostic.event is None:
            unreadable.diagnostics.append(diagnostic)
        elif diagnostic.event in unplanned:
            unplanned_case.diagnostics.append(diagnostic)
        else:
            cases[diagnostic.event].diagnostics.append(diagnostic)
    return [*cases.values(), unplanned_case, unreadable]


def _lint_cases(result: RunResult, options: RenderOptions) -> list[Case]:
    cases: dict[tuple[str, str], Case] = {}
    for diagnostic in result.diagnostics:
        file = display_file(diagnostic.file, options.source_root) if diagnostic.file else "-"
        key = (file, diagnostic.code)
        if key not in cases:
            cases[key] = Case(file, f"{diagnostic.code} {diagnostic.name}")
        cases[key].diagnostics.append(diagnostic)
    for case in cases.values():
        case.headline = plural(len(case.diagnostics), "finding")
    out = [cases[key] for key in sorted(cases)]
    files = result.summary.get("files")
    with_findings = len({file for file, _ in cases})
    if isinstance(files, int) and files > with_findings:
        out.append(Case("lint", f"{plural(files - with_findings, 'plan file')} without findings"))
    return out


def _code_cases(result: RunResult) -> list[Case]:
    cases: dict[str, Case] = {}
    for diagnostic in result.diagnostics:
        if diagnostic.code not in cases:
            cases[diagnostic.code] = Case(result.command, f"{diagnostic.code} {diagnostic.name}")
        cases[diagnostic.code].diagnostics.append(diagnostic)
    for case in cases.values():
        case.headline = plural(len(case.diagnostics), "finding")
    out = [cases[code] for code in sorted(cases)]
    return out or [Case(result.command, "no findings")]


def _scan_cases(result: RunResult) -> list[Case]:
    coverage: list[dict[str, Any]] = list(result.extra.get("coverage") or [])
    cases = {entry["event"]: Case("scan.coverage", entry["event"]) for entry in coverage}
    for entry in coverage:
        sites = entry.get("sent_at") or []
        cases[entry["event"]].headline = (f"sent at {plural(len(sites), 'place')}" if sites
                                          else "sent nowhere in the scanned code")
    unplanned = Case("scan", "unplanned events",
                     headline=plural(len(result.extra.get("unplanned_events") or []),
                                     "unplanned event"))
    sources = Case("scan", "source files", headline="files or names the scan could not read")
    for diagnostic in result.diagnostics:
        if diagnostic.event is not None and diagnostic.event in cases:
            cases[diagnostic.event].diagnostics.append(diagnostic)
        elif diagnostic.event is not None:
            unplanned.diagnostics.append(diagnostic)
        else:
            sources.diagnostics.append(diagnostic)
    return [*cases.values(), unplanned, sources]


def _cases(result: RunResult, options: RenderOptions) -> list[Case]:
    if result.command == "validate":
        return _validate_cases(result)
    if result.command == "scan":
        return _scan_cases(result)
    if result.command == "lint":
        return _lint_cases(result, options)
    return _code_cases(result)


def _case_element(case: Case, options: RenderOptions) -> tuple[ET.Element, bool]:
    element = ET.Element("testcase", classname=xml_text(case.classname),
                         name=xml_text(case.name), time="0")
    failing = [d for d in case.diagnostics if _fails(d, options)]
    passing = [d for d in case.diagnostics if not _fails(d, options)]
    failed = bool(failing) or (case.invalid > 0 and options.fail_on is not None)
    if failed:
        worst = max(failing, key=lambda d: d.severity.rank).severity.value if failing else "error"
        failure = ET.SubElement(element, "failure", message=xml_text(case.headline), type=worst)
        failure.text = xml_text(_listing(failing, options) if failing else
                                "No example kept (see validate's --max-examples).")
    if passing:
        out = ET.SubElement(element, "system-out")
        out.text = xml_text(_listing(passing, options))
    return element, failed


def render_junit(result: RunResult, options: RenderOptions) -> str:
    suite_name = f"protocols {result.command}"
    elements = [_case_element(case, options) for case in _cases(result, options)]
    failures = sum(1 for _, failed in elements if failed)
    counts = {"tests": str(len(elements)), "failures": str(failures), "errors": "0",
              "skipped": "0", "time": "0"}
    root = ET.Element("testsuites", {"name": suite_name, **counts})
    suite = ET.SubElement(root, "testsuite", {"name": suite_name, **counts})
    suite.extend(element for element, _ in elements)
    ET.indent(root)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(root, encoding="unicode") + "\n")

