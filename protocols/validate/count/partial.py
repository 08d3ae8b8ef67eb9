"""What a validate run keeps about its input, for a part of it: mergeable.

A :class:`PartialResult` holds what the report of ``validate`` is made of: exact counts (by
verdict, code, level and event), the first few findings of each code and event, the drift
tracker's counts, the quarantine's record counts, and (on disk) every finding. Whoever reads
a part of the input builds one (:meth:`PartialResult.add`, one line's verdict at a time);
:meth:`merge` adds the part that follows; :meth:`summary` and :meth:`result` give the report
``validate`` prints for the whole, to the byte (``render_pieces("json", ...)``).

Merging is associative, and where the report does not depend on the order of the input
(counts, the drift report, the examples while no code and event has more findings than are
shown) it does not depend on the order of the merge either. Where it does (the first
``max_examples`` findings, the first event names counted by name), :meth:`merge` takes
``later`` to follow; a part that reached a cap cannot be merged exactly and raises
:class:`~protocols.validate.count.drift.CapReached` (``validate --jobs`` then runs on one process).

An engine that counts elsewhere (a Spark aggregation) fills one with :meth:`count`,
:meth:`count_findings` and :meth:`keep_example`, in the order things first came.
tests/test_validate_partial.py holds all of this against ``validate`` itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from protocols.__about__ import __version__
from protocols.diagnostics import Diagnostic
from protocols.plan.model import Plan
from protocols.report import REPORTERS, RenderOptions, RunResult, render_pieces
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, DriftTracker
from protocols.validate.count.findings import FindingsLog
from protocols.validate.count.observations import DriftCounter, drift_report
from protocols.validate.count.tally import Counts, Examples, summary
from protocols.validate.lines import LineVerdict


class PartialResult:
    """Counts, capped examples, drift and findings of part of a validate run.

    ``inputs``: how many input files this part covers (the report's ``inputs``; parts of
    one file count it once between them). ``every_finding``: keep every finding, in a
    :class:`FindingsLog` on disk, for the formats that list them all (JSON, SARIF, GitLab),
    as ``validate`` does; or pass that log as ``findings``. ``drift``: the tracker to count
    drift with (default: a new one); an engine that counts drift as observations sets a
    :class:`DriftCounter` instead."""

    def __init__(self, plan: Plan | None, *, source_field: str = DEFAULT_SOURCE_FIELD,
                 max_examples: int = 5, inputs: int = 0, every_finding: bool = False,
                 findings: FindingsLog | None = None,
                 drift: DriftTracker | DriftCounter | None = None) -> None:
        self.plan = plan
        self.max_examples = max_examples
        self.counts = Counts()
        self.counts.files = inputs
        if findings is None and every_finding:
            findings = FindingsLog()
        self.examples = Examples(max_examples)
        if drift is None:
            if plan is None:
                raise ValueError("a PartialResult without a plan needs a drift counter")
            drift = DriftTracker(plan, source_field=source_field)
        self.drift = drift
        #: Records sent to the good and bad files, when the run writes them.
        self.quarantine: tuple[int, int] | None = None
        #: Every finding (a log, or the path of a log another process kept), or None.
        self.findings: FindingsLog | Path | None = findings

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["plan"] = None  # parts travel without the plan; the whole has it
        del state["_observe"]
        if isinstance(self.findings, FindingsLog):
            raise TypeError("keep() the findings log before sending a PartialResult away")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.drift = state["_drift"]

    @property
    def drift(self) -> DriftTracker | DriftCounter:
        """How drift is counted: the tracker, or (for an engine that counts observations
        elsewhere) a :class:`DriftCounter`."""
        return self._drift

    @drift.setter
    def drift(self, drift: DriftTracker | DriftCounter) -> None:
        self._drift = drift
        self._observe = drift.observe if isinstance(drift, DriftTracker) else None

    # -- a line at a time ------------------------------------------------------------------

    def add(self, verdict: LineVerdict) -> None:
        """Count one line's verdict (lines in input order)."""
        counts, examples, observe = self.counts, self.examples, self._observe
        found = False
        for message in verdict.messages:
            counts.messages += 1
            if message.verdict == "unparseable":
                counts.unparseable += 1
            else:
                invalid = message.verdict == "invalid"
                counts.invalid += invalid
                counts.valid += not invalid
                counts.event(message.event, invalid=invalid)
                if observe is not None and message.message is not None:
                    observe(message.message)
            for diagnostic in message.diagnostics:
                counts.finding(diagnostic)
                examples.add(diagnostic)
                found = True
        if found and isinstance(self.findings, FindingsLog):
            self.findings.add(verdict.diagnostics)

    # -- counted elsewhere -----------------------------------------------------------------

    def count(self, event: str | None = None, *, valid: int = 0, invalid: int = 0,
              unparseable: int = 0) -> None:
        """Add messages counted elsewhere: ``valid`` and ``invalid`` ones of ``event`` (None:
        messages without one), ``unparseable`` ones. Event names are kept in the order of
        the calls, up to the cap, so call in the order events first came in the input."""
        self.counts.messages += valid + invalid + unparseable
        self.counts.valid += valid
        self.counts.invalid += invalid
        self.counts.unparseable += unparseable
        if valid or invalid:
            self.counts.add_event(event, valid + invalid, invalid)

    def count_findings(self, code: str, severity: str, count: int) -> None:
        """Add ``count`` findings of ``code`` at ``severity`` (``error``...) counted elsewhere."""
        self.counts.add_findings(code, severity, count)
        self.examples.total += count

    def keep_example(self, diagnostic: Diagnostic) -> None:
        """Offer a finding already counted with :meth:`count_findings` as an example; offer
        them in input order (the first ``max_examples`` of each code and event are kept)."""
        self.examples.keep(diagnostic)

    # -- merging and reporting -------------------------------------------------------------

    def merge(self, later: PartialResult) -> None:
        """Add the part of the input that follows this one's (see the module docs)."""
        self.counts.merge(later.counts)
        self.examples.merge(later.examples)
        self.drift.merge(later.drift)  # type: ignore[arg-type]
        if later.quarantine is not None:
            good, bad = self.quarantine or (0, 0)
            self.quarantine = (good + later.quarantine[0], bad + later.quarantine[1])
        theirs = later.findings
        if theirs is None:
            return
        if isinstance(theirs, FindingsLog):
            path, count = theirs.keep(), len(theirs)
        else:
            path, count = theirs, later.examples.total
        if isinstance(self.findings, FindingsLog):
            self.findings.append_log(path, count)
        else:
            os.unlink(path)
            raise ValueError("the later part keeps every finding, this one does not")

    def summary(self) -> dict[str, Any]:
        """The report's ``summary``."""
        return summary(self.counts, self.examples, max_examples=self.max_examples,
                       quarantine=self.quarantine)

    def inconsistencies(self) -> list[dict[str, Any]]:
        """The report's drift section."""
        if isinstance(self.drift, DriftCounter):
            if self.plan is None:
                raise ValueError("the drift report needs the plan")
            return drift_report(self.plan, self.drift)
        return self.drift.inconsistencies()

    def result(self) -> RunResult:
        """The run's result, as every reporter takes it."""
        findings = self.findings
        if isinstance(findings, Path):
            raise TypeError("the findings log was kept for another process: merge it first")
        if findings is not None:
            findings.finish()
        return RunResult("validate", self.examples.diagnostics(), self.summary(),
                         {"inconsistencies": self.inconsistencies()}, findings=findings)

    def report(self, format: str = "json", options: RenderOptions | None = None
               ) -> Iterator[str]:
        """The report in ``format`` (a name of :data:`~protocols.report.REPORTERS`), in
        pieces, as ``validate --format`` writes it."""
        if format not in REPORTERS:
            raise ValueError(f"unknown format {format!r} (choose from {', '.join(REPORTERS)})")
        return render_pieces(format, self.result(),
                             options or RenderOptions(tool_version=__version__))
