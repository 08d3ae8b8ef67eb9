"""Coverage: for each planned message, every place in the code that sends it.

A call counts for a planned message only when it spells the name as planned; a drifted
spelling ("Signed-In") is listed under the planned event as misspelled, and does not count.
Planned messages sent nowhere become PS301 findings located in the plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from protocols.diagnostics import Diagnostic
from protocols.plan.model import Plan
from protocols.scan.check import Sent
from protocols.scan.codes import CODES


def _where(sent: Sent) -> dict[str, Any]:
    return {"file": sent.file, "line": sent.line, "column": sent.column, "form": sent.form}


def coverage(plan: Plan, sent: list[Sent]) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                    list[Diagnostic]]:
    """Per planned message (plan order) its call sites; unplanned events with theirs; and a
    PS301 finding per planned message that nothing sends."""
    exact: dict[str, list[Sent]] = defaultdict(list)
    drifted: dict[str, list[Sent]] = defaultdict(list)
    unplanned: dict[str, list[Sent]] = defaultdict(list)
    for item in sorted(sent, key=lambda s: (s.file, s.line, s.column)):
        if not item.planned:
            unplanned[item.label].append(item)
        elif item.exact:
            exact[item.label].append(item)
        else:
            drifted[item.label].append(item)
    entries: list[dict[str, Any]] = []
    missing: list[Diagnostic] = []
    for spec in plan.messages():
        sites = exact.get(spec.label, [])
        entries.append({
            "event": spec.label, "kind": spec.kind, "name": spec.name,
            "plan": {"file": spec.location.file, "line": spec.location.line},
            "sent": len(sites) > 0,
            "sent_at": [_where(s) for s in sites],
            "misspelled_at": [_where(s) for s in drifted.get(spec.label, [])],
        })
        if not sites:
            note = ""
            if drifted.get(spec.label):
                first = drifted[spec.label][0]
                note = f" (only misspelled, at {first.file}:{first.line})"
            missing.append(CODES["PS301"].diagnostic(
                f"{spec.label} is planned but no scanned code sends it{note}",
                file=spec.location.file, line=spec.location.line,
                column=spec.location.column, event=spec.label))
    others = [{"event": name, "sent_at": [_where(s) for s in sites]}
              for name, sites in sorted(unplanned.items())]
    return entries, others, missing
