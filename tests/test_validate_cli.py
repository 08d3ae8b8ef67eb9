"""``protocols validate`` end to end: exit codes, JSON shape, plan choice, stdin, bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.validate.codes import CODES
from tests.conftest import REPO

PLAN = str(REPO / "tests" / "validate" / "plan.yaml")
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "context": {"library": {"name": "web"}},
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
WARN = {**GOOD, "properties": {**GOOD["properties"], "extra": True}}
DRIFT = {**GOOD, "event": "order-completed", "context": {"library": {"name": "ios"}}}


def run(*args: str, input: str | bytes | None = None) -> Any:
    return CliRunner().invoke(app, ["validate", *args], input=input, catch_exceptions=False)


def log(tmp_path: Path, *messages: Any, name: str = "in.ndjson") -> str:
    path = tmp_path / name
    path.write_text("".join((m if isinstance(m, str) else json.dumps(m)) + "\n"
                            for m in messages), "utf-8")
    return str(path)


def test_clean_log_exits_0(tmp_path: Path) -> None:
    result = run("--plan", PLAN, log(tmp_path, GOOD, GOOD))
    assert result.exit_code == 0, result.output
    assert "Validated 2 messages from 1 input: 2 valid, 0 invalid, 0 unparseable." in result.output


def test_findings_exit_1_and_fail_on(tmp_path: Path) -> None:
    path = log(tmp_path, GOOD, WARN)
    assert run("--plan", PLAN, path).exit_code == 0
    assert run("--plan", PLAN, path, "--fail-on", "warning").exit_code == 1
    drift = log(tmp_path, DRIFT, name="drift.ndjson")
    assert run("--plan", PLAN, drift).exit_code == 1
    assert run("--plan", PLAN, drift, "--fail-on", "never").exit_code == 0


def test_json_output_shape(tmp_path: Path) -> None:
    path = log(tmp_path, GOOD, DRIFT, "{oops", {"type": "identify", "userId": "u"})
    result = run("--plan", PLAN, path, "--format", "json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["command"] == "validate"
    summary = document["summary"]
    assert {k: summary[k] for k in ("messages", "valid", "invalid", "unparseable")} == {
        "messages": 4, "valid": 1, "invalid": 2, "unparseable": 1}
    assert summary["by_event"] == {"Order Completed": {"messages": 2, "invalid": 1},
                                   "identify": {"messages": 1, "invalid": 1}}
    assert summary["by_code"] == {"PV001": 1, "PV201": 1, "PV301": 1}
    assert [(d["code"], d["line"], d["path"]) for d in document["diagnostics"]] == [
        ("PV301", 2, "event"), ("PV001", 3, None), ("PV201", 4, "traits.email")]
    for diagnostic in document["diagnostics"]:
        assert set(diagnostic) == {"code", "name", "severity", "message", "file", "line",
                                   "column", "path", "suggestion", "event", "related"}
        assert diagnostic["name"] == CODES[diagnostic["code"]].name
    drift = document["diagnostics"][0]
    assert drift["event"] == "Order Completed" and drift["suggestion"] == "Order Completed"
    assert drift["related"]["file"].endswith("plan.yaml") and drift["related"]["line"] == 15
    [entry] = document["inconsistencies"]
    assert entry == {"kind": "event-name", "canonical": "Order Completed",
                     "event": "Order Completed", "property": None, "planned": True,
                     "variants": [{"value": "order-completed", "source": "ios", "count": 1},
                                  {"value": "Order Completed", "source": "web", "count": 1}]}


def test_max_examples_caps_the_text_report_not_the_machine_formats(tmp_path: Path) -> None:
    path = log(tmp_path, *([DRIFT] * 12))
    text = run("--plan", PLAN, path, "--max-examples", "3").output
    assert "Showing 3 of 12 findings" in text and text.count("error[PV301") == 3
    # JSON, SARIF and GitLab list every finding, whatever --max-examples says.
    for examples in ("3", "0"):
        document = json.loads(run("--plan", PLAN, path, "-f", "json", "--max-examples",
                                  examples).output)
        assert [d["line"] for d in document["diagnostics"]] == list(range(1, 13))
        assert document["summary"]["by_code"] == {"PV301": 12}
        assert document["summary"]["shown"] == int(examples)
        sarif = json.loads(run("--plan", PLAN, path, "-f", "sarif", "--max-examples",
                               examples).output)
        assert len(sarif["runs"][0]["results"]) == 12
        gitlab = json.loads(run("--plan", PLAN, path, "-f", "gitlab", "--max-examples",
                                examples).output)
        assert len({entry["fingerprint"] for entry in gitlab}) == 12


def test_text_report_has_counts_and_the_drift_table(tmp_path: Path) -> None:
    path = log(tmp_path, GOOD, DRIFT, DRIFT)
    output = run("--plan", PLAN, path).output
    assert "Messages per event" in output and "PV301 event-name-drift" in output
    table = output[output.index("Naming drift between sources"):]
    assert "event name Order Completed (planned)" in table
    assert "ios  'order-completed'  2" in table and "web  'Order Completed'  1" in table


def test_several_formats_and_outputs(tmp_path: Path) -> None:
    path = log(tmp_path, DRIFT)
    report = tmp_path / "out" / "report.json"
    result = run("--plan", PLAN, path, "-f", "text", "-f", "json", "-o", str(tmp_path / "r.txt"),
                 "-o", str(report))
    assert result.exit_code == 1 and result.output == ""
    assert json.loads(report.read_text("utf-8"))["summary"]["invalid"] == 1
    assert "event-name-drift" in (tmp_path / "r.txt").read_text("utf-8")


def test_stdin_and_gzip_and_folders(tmp_path: Path) -> None:
    assert run("--plan", PLAN, "-", input=json.dumps(GOOD) + "\n").exit_code == 0
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "a.ndjson.gz").write_bytes(gzip.compress(json.dumps(DRIFT).encode()))
    (folder / "b.json").write_text(json.dumps([GOOD, GOOD]), "utf-8")
    document = json.loads(run("--plan", PLAN, str(folder), "-f", "json").output)
    assert document["summary"]["messages"] == 3 and document["summary"]["inputs"] == 2


def test_source_field(tmp_path: Path) -> None:
    path = log(tmp_path, {**GOOD, "context": {"app": {"name": "Shop iOS"}}},
               {**DRIFT, "context": {"app": {"name": "Shop Android"}}})
    document = json.loads(run("--plan", PLAN, path, "-f", "json", "--source-field",
                              "context.app.name").output)
    sources = {v["source"] for v in document["inconsistencies"][0]["variants"]}
    assert sources == {"Shop iOS", "Shop Android"}


def test_plan_by_id_and_the_only_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "shop.yaml").write_text(Path(PLAN).read_text("utf-8"), "utf-8")
    path = log(tmp_path, GOOD)
    monkeypatch.chdir(tmp_path)
    assert run(path).exit_code == 0
    assert run("--plan", "shop", path).exit_code == 0
    (tmp_path / "plans" / "other.yaml").write_text("protocols: 1\nplan: other\n", "utf-8")
    ambiguous = run(path)
    assert ambiguous.exit_code == 2 and "choose one with --plan" in ambiguous.output
    other = run("--plan", "other", path)  # a plan without the event
    assert other.exit_code == 1 and "PV103" in other.output
    unknown = run("--plan", "nope", path)
    assert unknown.exit_code == 2 and "other, shop" in unknown.output


@pytest.mark.parametrize(("args", "says"), [
    (["--plan", PLAN, "missing.ndjson"], "no such file"),
    (["--plan", PLAN, "IN", "--fail-on", "sometimes"], "--fail-on"),
    (["--plan", PLAN, "IN", "--good", "IN"], "refusing to overwrite an input"),
    (["--plan", PLAN, "IN", "--good", "x.ndjson", "--bad", "x.ndjson"], "are the same file"),
    (["--plan", PLAN, "IN", "-f", "yaml"], "unknown format"),
    (["--plan", PLAN, "IN", "--max-examples", "-1"], "--max-examples"),
    (["--plan", PLAN, "IN", "--bad-reasons", "why.ndjson"], "pass --bad FILE too"),
])
def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             args: list[str], says: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = log(tmp_path, GOOD)
    result = run(*[path if a == "IN" else a for a in args])
    assert result.exit_code == 2
    assert says in result.output


def test_a_broken_plan_is_reported_not_raised(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: p\nevents:\n  A: {properties: {x: {type: strnig}}}\n",
                    "utf-8")
    result = run("--plan", str(plan), log(tmp_path, GOOD))
    assert result.exit_code == 1 and "PL111" in result.output


BROKEN_PATTERNS = ["(", "(?<x>a)\\k<x>", "\\e[31m", "a{1000}{1000}{1000}",
                   "(" * 500 + "a" + ")" * 500, "a{99999999999}"]


def test_a_pattern_no_engine_compiles_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    """Found by fuzzing: validate (and docs) ended in re.error (RecursionError for the deep
    group) on a value that reached such a pattern; lint reports each as PL105."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: p\nevents:\n  Signed Up:\n    properties:\n" + "".join(
        f"      p{i}: {{type: string, pattern: '{pattern}'}}\n"
        for i, pattern in enumerate(BROKEN_PATTERNS)), "utf-8")
    message = {"type": "track", "event": "Signed Up", "userId": "u1"}
    values = {f"p{i}": "abc" for i in range(len(BROKEN_PATTERNS))}
    path = log(tmp_path, {**message, "properties": {}}, {**message, "properties": values},
               {**message, "properties": {"p0": "x"}})
    result = run("--plan", str(plan), path, "--jobs", "1", "-f", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert {k: document["summary"][k] for k in ("messages", "valid", "invalid",
                                                 "unparseable")} == {
        "messages": 3, "valid": 1, "invalid": 2, "unparseable": 0}
    found = [(d["code"], d["line"], d["path"]) for d in document["diagnostics"]]
    assert found == [("PV204", 2, f"properties.p{i}") for i in range(len(BROKEN_PATTERNS))] + [
        ("PV204", 3, "properties.p0")]
    for diagnostic in document["diagnostics"]:
        assert "was not checked against the pattern" in diagnostic["message"]
        assert "the pattern is not a regular expression (" in diagnostic["message"]
    text = run("--plan", str(plan), path, "--jobs", "1", "--max-examples", "10")
    assert text.exit_code == 1 and "in.ndjson:2" in text.output and "in.ndjson:3" in text.output
    assert "1 valid, 2 invalid, 0 unparseable" in text.output


def test_multiple_of_a_huge_integer_is_decided_not_a_traceback(tmp_path: Path) -> None:
    """Found by fuzzing: a 400-digit integer against multipleOf 0.5 ended in OverflowError
    (int too large to convert to float), in the engine as in jsonschema."""
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: p\nevents:\n  Seats Booked:\n    properties:\n"
                    "      y: {type: number, multipleOf: 0.5}\n"
                    "      z: {type: number, multipleOf: 0.3}\n", "utf-8")
    huge = "9" * 400
    lines = [f'{{"type": "track", "event": "Seats Booked", "userId": "u", '
             f'"properties": {{{properties}}}}}'
             for properties in (f'"y": {huge}', f'"z": {huge}', '"y": 1e999', '"y": 2.5')]
    path = log(tmp_path, *lines)
    result = run("--plan", str(plan), path, "--jobs", "1", "-f", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert {k: document["summary"][k] for k in ("messages", "valid", "invalid",
                                                 "unparseable")} == {
        "messages": 4, "valid": 2, "invalid": 2, "unparseable": 0}
    assert [(d["code"], d["line"], d["path"]) for d in document["diagnostics"]] == [
        ("PV210", 2, "properties.z"), ("PV210", 3, "properties.y")]
    text = run("--plan", str(plan), path, "--jobs", "1")
    assert text.exit_code == 1 and "in.ndjson:2" in text.output


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 300,
    gzip.compress(b'{"type": "track"}\n' * 500)[:200],
    b"\xef\xbb\xbf[\n" + b'{"type": "identify", "userId": "u", "traits": {"email": "a@b.io"}},' * 3,
    b'{"batch": [1, {"type": "alias"}, null]}\n',
    b"\n\n\n",
    b"\x00" * 5000,
])
def test_broken_input_never_tracebacks(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "in.log"
    path.write_bytes(data)
    result = run("--plan", PLAN, str(path), "-f", "json")
    assert result.exit_code in (0, 1)
    summary = json.loads(result.output)["summary"]
    assert summary["valid"] + summary["invalid"] + summary["unparseable"] == summary["messages"]


def test_quarantine_from_the_command_line(tmp_path: Path) -> None:
    path = log(tmp_path, GOOD, DRIFT, "not json")
    good, bad, why = tmp_path / "good.ndjson", tmp_path / "bad.ndjson", tmp_path / "why.ndjson"
    result = run("--plan", PLAN, path, "--good", str(good), "--bad", str(bad),
                 "--bad-reasons", str(why))
    assert result.exit_code == 1
    assert good.read_text("utf-8") == json.dumps(GOOD) + "\n"
    assert bad.read_text("utf-8") == json.dumps(DRIFT) + "\nnot json\n"
    reasons = [json.loads(line) for line in why.read_text("utf-8").splitlines()]
    assert [(r["line"], r["bad_line"], r["codes"]) for r in reasons] == [
        (2, 1, ["PV301"]), (3, 2, ["PV001"])]
    assert "1 records to the good file, 2 to the bad file" in result.output


def test_config_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The configuration may only name paths inside its project: the plan is copied in.
    (tmp_path / "plan.yaml").write_text(Path(PLAN).read_text("utf-8"), "utf-8")
    (tmp_path / ".protocols.toml").write_text(
        '[validate]\nplan = "plan.yaml"\nfail_on = "never"\nmax_examples = 1\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    result = run(log(tmp_path, DRIFT, DRIFT), "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["shown"] == 1


def test_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["validate", "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and "--bad-reasons" in result.output


def test_example_logs_are_what_the_script_writes(tmp_path: Path) -> None:
    import runpy

    script = runpy.run_path(str(REPO / "examples" / "make_logs.py"))
    script["main"](tmp_path)
    for name in ("events.ndjson", "clean.ndjson"):
        assert (tmp_path / name).read_bytes() == (REPO / "examples" / name).read_bytes(), name


def test_clean_example_is_clean_and_the_drifting_one_has_three_sources() -> None:
    plan = str(REPO / "plans" / "ecommerce.yaml")
    assert run("--plan", plan, str(REPO / "examples" / "clean.ndjson")).exit_code == 0
    result = run("--plan", plan, str(REPO / "examples" / "events.ndjson"), "-f", "json")
    document = json.loads(result.output)
    sources = {v["source"] for e in document["inconsistencies"] for v in e["variants"]}
    assert sources == {"analytics.js", "analytics-ios", "analytics-android"}
    kinds = {e["kind"] for e in document["inconsistencies"]}
    assert kinds == {"event-name", "property-name", "enum-value", "value-type"}
    assert document["summary"]["unparseable"] == 1


def test_batch_findings_name_the_message_inside_the_batch(tmp_path: Path) -> None:
    batch = {"batch": [GOOD, {"type": "identify", "userId": "u", "traits": {}}, 7]}
    document = json.loads(run("--plan", PLAN, log(tmp_path, batch), "-f", "json").output)
    assert [(d["code"], d["line"], d["path"]) for d in document["diagnostics"]] == [
        ("PV002", 1, "batch[2]"), ("PV201", 1, "batch[1].traits.email")]
    assert {k: document["summary"][k] for k in ("messages", "valid", "invalid",
                                                 "unparseable")} == {
        "messages": 3, "valid": 1, "invalid": 1, "unparseable": 1}
