"""PartialResult.merge is associative, gives the command's own JSON report, and does not depend
on the order of the merge wherever the report does not depend on the order of the input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols import LineChecker, LineVerdict, PartialResult, load_plan, read_log_records
from protocols.report import RenderOptions, render_pieces
from protocols.validate.count.drift import CapReached
from protocols.validate.count.findings import FindingsLog
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
CHECKER = LineChecker(PLAN)
OPTIONS = RenderOptions(tool_version="test")
MAX_EXAMPLES = 3
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "context": {"library": {"name": "web"}},
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
lines = st.one_of(
    st.just(json.dumps(GOOD)),
    st.builds(lambda source, event, currency, total, extra: json.dumps(
        {**GOOD, "event": event, "context": {"library": {"name": source}},
         "properties": {"order_id": "o", "currency": currency, "total": total, **extra}}),
        st.sampled_from(["web", "ios", "android"]),
        st.sampled_from(["Order Completed", "order_completed", "Order-Completed", "Unplanned"]),
        st.sampled_from(["USD", "usd", "EUR", 5]), st.sampled_from([3, "3", -1, None]),
        st.sampled_from([{}, {"Coupon": "X1"}, {"note": "n"}])),
    st.just(json.dumps({"batch": [GOOD, {**GOOD, "userId": ""}, 3]})),
    st.sampled_from(["", "   ", "{not json", "[1, 2]", '"text"', '{"type": "alias"}']),
    st.text(max_size=20).filter(lambda t: "\n" not in t and "\r" not in t),
)


def part(verdicts: list[LineVerdict]) -> PartialResult:
    partial = PartialResult(PLAN, max_examples=MAX_EXAMPLES, findings=FindingsLog())
    for verdict in verdicts:
        partial.add(verdict)
    return partial


def report(partial: PartialResult) -> dict[str, Any]:
    document = json.loads("".join(partial.report("json", OPTIONS)))
    assert isinstance(document, dict)
    return document


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(log=st.lists(lines, max_size=30), cuts=st.tuples(st.integers(0, 30), st.integers(0, 30)))
def test_merge_is_associative_and_gives_the_commands_report(
        tmp_path: Path, log: list[str], cuts: tuple[int, int]) -> None:
    path = tmp_path / "log.ndjson"
    path.write_bytes("\n".join(log).encode("utf-8"))
    verdicts = [CHECKER.check_record(r) for r in read_log_records(path.read_bytes(),
                                                                   file=str(path))]
    first, second = sorted(c % (len(verdicts) + 1) for c in cuts)
    a, b, c = verdicts[:first], verdicts[first:second], verdicts[second:]

    left = part(a)
    left.merge(part(b))
    left.merge(part(c))
    tail = part(b)
    tail.merge(part(c))
    right = part(a)
    right.merge(tail)
    left.counts.files = right.counts.files = 1
    ours = "".join(left.report("json", OPTIONS))
    assert ours == "".join(right.report("json", OPTIONS))
    command = validate_inputs(PLAN, [str(path)], ValidateOptions(max_examples=MAX_EXAMPLES,
                                                                   every_finding=True))
    assert ours == "".join(render_pieces("json", command, OPTIONS))

    # Merged the other way round: the same report wherever the input's order does not
    # matter to it.
    backwards = part(c)
    backwards.merge(part(b))
    backwards.merge(part(a))
    backwards.counts.files = 1
    forward, reverse = json.loads(ours), report(backwards)
    assert reverse["summary"] == forward["summary"]
    assert reverse["inconsistencies"] == forward["inconsistencies"]
    groups = Counter((d["code"], d["event"]) for d in forward["diagnostics"])
    if max(groups.values(), default=0) <= MAX_EXAMPLES:
        assert backwards.result().diagnostics == left.result().diagnostics
    assert sorted(map(json.dumps, reverse["diagnostics"])) == \
        sorted(map(json.dumps, forward["diagnostics"]))


def test_counts_from_elsewhere_make_the_same_summary() -> None:
    data = (REPO / "examples" / "events.ndjson").read_bytes()
    verdicts = [CHECKER.check_record(r) for r in read_log_records(data, file="e")]
    whole = part(verdicts)
    counted = PartialResult(PLAN, max_examples=MAX_EXAMPLES)
    # An engine that counted by event, code and example elsewhere, in input order.
    firsts: dict[str | None, list[int]] = {}
    findings: Counter[tuple[str, str]] = Counter()
    unparseable = 0
    for verdict in verdicts:
        for message in verdict.messages:
            if message.verdict == "unparseable":
                unparseable += 1
            else:
                entry = firsts.setdefault(message.event, [0, 0])
                entry[message.verdict == "invalid"] += 1
            for diagnostic in message.diagnostics:
                findings[(diagnostic.code, diagnostic.severity.value)] += 1
                counted.keep_example(diagnostic)
    for event, (valid, invalid) in firsts.items():
        counted.count(event, valid=valid, invalid=invalid)
    counted.count(unparseable=unparseable)
    for (code, severity), count in findings.items():
        counted.count_findings(code, severity, count)
    assert counted.summary() == whole.summary()
    assert counted.result().diagnostics == whole.result().diagnostics


def test_a_part_that_reached_a_cap_cannot_be_merged(monkeypatch: pytest.MonkeyPatch) -> None:
    from protocols.validate.count import tally
    monkeypatch.setattr(tally, "MAX_EVENTS_COUNTED", 2)
    later = part([CHECKER.check_line(json.dumps({**GOOD, "event": f"E{i}"}).encode())
                  for i in range(3)])
    with pytest.raises(CapReached):
        part([]).merge(later)


def test_the_readme_loop_gives_the_commands_json_report_to_the_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only public names, as README.md shows them: the report must be the command's, inputs
    # and every finding included (it once said "inputs": 0 and listed only the examples).
    import protocols
    from protocols.cli import app

    monkeypatch.chdir(REPO)
    log = "examples/events.ndjson"  # named as the command names it
    plan = protocols.load_plan("plans/ecommerce.yaml")
    checker = protocols.LineChecker(plan, fail_on=protocols.Severity.ERROR)
    partial = protocols.PartialResult(plan, inputs=1, every_finding=True)
    with open(log, "rb") as handle:
        for record in protocols.read_log_records(handle, file=log):
            partial.add(checker.check_record(record))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["validate", "--plan", "plans/ecommerce.yaml", log,
                                      "-f", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output
    mine = "".join(partial.report("json"))
    assert len(json.loads(mine)["diagnostics"]) > 5 * len(json.loads(mine)["summary"]["by_code"])
    assert mine == out.read_text("utf-8")
