"""The scan run: walk, parse every file, resolve names across files, check, count coverage.

Every entry the walk meets is accounted for in the result: parsed (with its calls), a
generated client (its SDK calls are definitions, not sends), a finding (unreadable, too
large), or skipped with a reason. Memory holds the extracted facts of each file, never its
syntax tree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Diagnostic, Severity, count_by_severity, sort_diagnostics
from protocols.plan.model import Plan
from protocols.report.base import RunResult
from protocols.scan.check import Checker, CheckResult
from protocols.scan.codes import CODES
from protocols.scan.coverage import coverage
from protocols.scan.generated import generated_names
from protocols.scan.model import FileFacts
from protocols.scan.parse import parse_file
from protocols.scan.resolve import Resolver
from protocols.scan.settings import ScanSettings
from protocols.scan.syntax.base import MAX_START_DEPTH, ExtractContext
from protocols.scan.walk import PatternsCut, Skipped, SourceFile, walk

# (files done, files in all, the file just read): called after each file.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ScanOutcome:
    """Everything a scan found, before it is shaped into a report."""

    facts: tuple[FileFacts, ...]
    skipped: tuple[tuple[str, str], ...]  # (path, reason)
    problems: tuple[Diagnostic, ...]  # PS001/PS002 per file that could not be read
    checked: CheckResult
    coverage: list[dict[str, Any]]
    unplanned: list[dict[str, Any]]
    missing: tuple[Diagnostic, ...]


def scan_tree(plan: Plan, paths: Sequence[str], settings: ScanSettings, *,
              progress: Progress | None = None,
              walked: Sequence[SourceFile | Skipped] | None = None) -> ScanOutcome:
    """Scan ``paths`` (files or folders) against ``plan``; ``walked``: what walking them
    gave already (the command walks first to check its outputs against the sources)."""
    files: list[SourceFile] = []
    skipped: list[tuple[str, str]] = []
    if walked is None:
        walked = list(walk(paths, exclude=settings.exclude, gitignore=settings.gitignore))
    problems: list[Diagnostic] = []
    for entry in walked:
        if isinstance(entry, SourceFile):
            files.append(entry)
        elif isinstance(entry, PatternsCut):
            problems.append(CODES["PS005"].diagnostic(
                f"{entry.reason}: the patterns from this line on do not ignore anything",
                file=entry.path, line=entry.line, column=1))
        else:
            skipped.append((entry.path, entry.reason))
    context = ExtractContext(generated=generated_names(plan), wrappers=settings.wrappers,
                             receivers=settings.receivers)
    facts: list[FileFacts] = []
    for index, source in enumerate(files, start=1):
        parsed = parse_file(source.path, source.language, context,
                            max_size=settings.max_file_size)
        if parsed.facts is not None:
            facts.append(parsed.facts)
        if parsed.problem is not None:
            problems.append(parsed.problem)
        if progress is not None:
            progress(index, len(files), source.path)
    checker = Checker(plan, Resolver(facts), frozenset(w.method for w in settings.wrappers))
    checked = CheckResult()
    for item in facts:
        if item.syntax_error is not None:
            line, column = item.syntax_error
            problems.append(CODES["PS003"].diagnostic(
                "syntax error; the rest of the file is still scanned", file=item.path,
                line=line, column=column))
        if item.too_deep is not None:
            line, column = item.too_deep
            problems.append(CODES["PS004"].diagnostic(
                f"the syntax nests more than {MAX_START_DEPTH:,} levels deep from here: calls "
                "that start deeper were not examined", file=item.path, line=line,
                column=column))
        for unread in item.unread:
            problems.append(CODES["PS004"].diagnostic(unread.what, file=item.path,
                                                      line=unread.line, column=unread.column))
        checker.check_file(item, checked)
    entries, unplanned, missing = coverage(plan, checked.sent)
    return ScanOutcome(tuple(facts), tuple(skipped), tuple(problems), checked, entries,
                       unplanned, tuple(missing))


def stamp(diagnostic: Diagnostic, fail_on: frozenset[str]) -> Diagnostic:
    """The severity ``--fail-on`` gives a finding: an error when its category fails the run,
    otherwise a warning (a note for coverage gaps). An unplanned property the plan only warns
    about (``additional_properties: warn``) stays a warning."""
    code = CODES.get(diagnostic.code)
    if code is None or code.category not in ("missing", "unplanned", "drift"):
        return diagnostic
    if diagnostic.code == "PS201" and diagnostic.severity is not Severity.ERROR:
        return diagnostic
    if code.category in fail_on:
        return diagnostic.with_severity(Severity.ERROR)
    return diagnostic.with_severity(Severity.INFO if code.category == "missing"
                                    else Severity.WARNING)


def to_result(outcome: ScanOutcome, plan: Plan, settings: ScanSettings) -> RunResult:
    # Coverage always lists the planned messages nothing sends; as findings (one per message,
    # located in the plan) they are reported when they fail the run.
    missing = outcome.missing if "missing" in settings.fail_on else ()
    found = [*outcome.problems, *outcome.checked.diagnostics, *missing]
    diagnostics = tuple(sort_diagnostics(stamp(d, settings.fail_on) for d in found))
    calls = [c for f in outcome.facts if not f.generated for c in f.calls]
    planned = len(outcome.coverage)
    sent = sum(1 for entry in outcome.coverage if entry["sent"])
    reasons = Counter(_reason_group(reason) for _, reason in outcome.skipped)
    summary: dict[str, Any] = {
        "plan": plan.file,
        "files": len(outcome.facts),
        "unreadable": sum(1 for d in outcome.problems if d.code in ("PS001", "PS002")),
        "generated_files": sum(1 for f in outcome.facts if f.generated),
        # The SDK calls inside generated clients: definitions of the typed calls, not sends.
        "generated_calls": outcome.checked.generated_definitions,
        "skipped": len(outcome.skipped),
        "skipped_by_reason": dict(sorted(reasons.items())),
        "languages": dict(sorted(Counter(f.language for f in outcome.facts).items())),
        "calls": len(calls),
        "by_form": dict(sorted(Counter(c.form for c in calls).items())),
        "unresolved": outcome.checked.unresolved,
        "wrapper_definitions": outcome.checked.wrapper_definitions,
        "planned": planned,
        "sent": sent,
        "coverage": round(100.0 * sent / planned, 1) if planned else 100.0,
        "fail_on": sorted(settings.fail_on),
        "by_code": dict(sorted(Counter(d.code for d in diagnostics).items())),
        "by_severity": count_by_severity(diagnostics),
    }
    extra = {
        "coverage": outcome.coverage,
        "unplanned_events": outcome.unplanned,
        "skipped_files": [{"file": path, "reason": reason} for path, reason in outcome.skipped],
    }
    return RunResult("scan", diagnostics, summary, extra)


def _reason_group(reason: str) -> str:
    """Skip reasons counted together: "not a source file (.md)" and "(.png)" are one."""
    return reason.split(" (", 1)[0] if reason.startswith("not a source file") else reason


def run_scan(plan: Plan, paths: Sequence[str], settings: ScanSettings, *,
             progress: Progress | None = None,
             walked: Sequence[SourceFile | Skipped] | None = None) -> RunResult:
    return to_result(scan_tree(plan, paths, settings, progress=progress, walked=walked),
                     plan, settings)


__all__ = ["ScanOutcome", "run_scan", "scan_tree", "stamp", "to_result"]
