"""Nothing lost, nothing misread: quarantine whatever the reporters do, every finding in the
machine formats, clean errors when standard output cannot be written (issue 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols import load_plan
from protocols.cli import app
from protocols.diagnostics import Severity
from protocols.report import STREAMING, RenderOptions, RunResult
from protocols.validate.count.findings import FindingsLog, decode, encode
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN_PATH = REPO / "tests" / "validate" / "plan.yaml"
PLAN = load_plan(PLAN_PATH)
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
# A property name that is a lone surrogate: legal JSON, read by the stdlib parser, and text
# that UTF-8 cannot carry. The unplanned-property finding names it in its path.
SURROGATE = ('{"type": "track", "event": "Order Completed", "userId": "u1", "properties": '
             '{"order_id": "o1", "currency": "USD", "total": 3, "\\ud800": 1}}')


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The real command line, in a process of its own (as a user runs it)."""
    return subprocess.run([sys.executable, "-c", "from protocols.cli import main; main()",
                           *args], capture_output=True, cwd=REPO, timeout=120)


def surrogate_log(tmp_path: Path, lines: int = 40) -> tuple[Path, bytes]:
    body = b"".join((SURROGATE if i % 4 == 1 else json.dumps(GOOD)).encode() + b"\n"
                    for i in range(lines))
    path = tmp_path / "in.ndjson"
    path.write_bytes(body)
    return path, body


def quarantine_args(tmp_path: Path) -> list[str]:
    return ["--good", str(tmp_path / "good"), "--bad", str(tmp_path / "bad"),
            "--bad-reasons", str(tmp_path / "reasons")]


def split_lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_lone_surrogate_does_not_stop_the_quarantine(tmp_path: Path, jobs: int) -> None:
    log, body = surrogate_log(tmp_path)
    options = ValidateOptions(good=tmp_path / "good", bad=tmp_path / "bad",
                              bad_reasons=tmp_path / "reasons", fail_on=Severity.WARNING,
                              jobs=jobs, every_finding=True)
    result = validate_inputs(PLAN, [str(log)], options)
    good, bad = (tmp_path / "good").read_bytes(), (tmp_path / "bad").read_bytes()
    assert sorted(split_lines(good) + split_lines(bad)) == sorted(split_lines(body))
    assert len(split_lines(bad)) == 10
    reasons = [json.loads(line) for line in (tmp_path / "reasons").read_bytes().splitlines()]
    assert len(reasons) == 10
    assert reasons[0]["messages"][0]["path"] == 'properties["\ud800"]'  # read back exactly
    assert [d.path for d in result.findings or ()] == ['properties["\ud800"]'] * 10


@pytest.mark.parametrize("format", ["text", "json", "sarif", "gitlab", "junit", "markdown",
                                    "github"])
def test_quarantine_is_complete_whatever_the_report_does(tmp_path: Path, format: str) -> None:
    # Whether a reporter shows such text escaped (their business) or fails, the run is over
    # and its quarantine complete before any report is written, and the end is clean.
    log, body = surrogate_log(tmp_path)
    done = cli("validate", "--plan", str(PLAN_PATH), str(log), "--fail-on", "warning",
               "-f", format, *quarantine_args(tmp_path))
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    assert done.returncode in (1, 2), done.stderr
    if done.returncode == 2:
        assert done.stderr.startswith(b"error: ")
    good, bad = (tmp_path / "good").read_bytes(), (tmp_path / "bad").read_bytes()
    assert sorted(split_lines(good) + split_lines(bad)) == sorted(split_lines(body))
    assert len((tmp_path / "reasons").read_bytes().splitlines()) == 10


def test_a_failing_reporter_is_a_clean_error_after_a_complete_quarantine(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(result: RunResult, options: RenderOptions) -> Iterator[str]:
        yield "{"
        raise ValueError("formatting went wrong")

    monkeypatch.setitem(STREAMING, "json", broken)
    log, body = surrogate_log(tmp_path)
    result = CliRunner().invoke(app, ["validate", "--plan", str(PLAN_PATH), str(log), "-f",
                                      "json", *quarantine_args(tmp_path)])
    assert result.exit_code == 2
    assert "cannot render the json report: ValueError: formatting went wrong" in result.output
    good, bad = (tmp_path / "good").read_bytes(), (tmp_path / "bad").read_bytes()
    assert sorted(split_lines(good) + split_lines(bad)) == sorted(split_lines(body))


@pytest.mark.parametrize("args", [
    ["validate", "--plan", "tests/validate/plan.yaml", "examples/events.ndjson"],
    ["validate", "--plan", "plans/ecommerce.yaml", "examples/events.ndjson", "-f", "json"],
    ["validate", "--plan", "plans/ecommerce.yaml", "examples/events.ndjson", "-f", "sarif",
     "-o", "-"],
    ["lint", "plans/ecommerce.yaml"],
    ["schema"],
    ["--version"],
])
def test_a_full_standard_output_is_a_clean_error(args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([sys.executable, "-c", "from protocols.cli import main; main()",
                               *args], stdout=full, stderr=subprocess.PIPE, cwd=REPO,
                              timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.decode() == ("error: cannot write to standard output: "
                                    "No space left on device\n")


def test_a_closed_pipe_is_a_clean_error() -> None:
    process = subprocess.Popen([sys.executable, "-c", "from protocols.cli import main; main()",
                                "validate", "--plan", "plans/ecommerce.yaml", "examples/",
                                "-f", "json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=REPO)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.read(10)
    process.stdout.close()  # as `| head -c 10` does
    error = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert error == b"error: cannot write to standard output: Broken pipe\n"


EXAMPLES = [str(REPO / "examples" / "events.ndjson"), str(REPO / "examples" / "clean.ndjson")]


def machine_reports(*args: str) -> dict[str, Any]:
    reports = {}
    for format in ("json", "sarif", "gitlab"):
        result = CliRunner().invoke(app, ["validate", "--plan", str(REPO / "plans" /
                                                                    "ecommerce.yaml"),
                                          *EXAMPLES, "-f", format, *args])
        assert result.exit_code == 1, result.output
        reports[format] = json.loads(result.stdout)
    return reports


def test_machine_formats_carry_every_finding_of_the_example_logs() -> None:
    reports = machine_reports()
    summary = reports["json"]["summary"]
    total = summary["findings"]
    assert total == sum(summary["by_code"].values()) > 400
    assert summary["shown"] < total  # the text report shows examples only
    diagnostics = reports["json"]["diagnostics"]
    assert len(diagnostics) == total
    by_code: dict[str, int] = {}
    for diagnostic in diagnostics:
        by_code[diagnostic["code"]] = by_code.get(diagnostic["code"], 0) + 1
    assert by_code == summary["by_code"]
    # In input order: file by file, line by line.
    positions = [(EXAMPLES.index(str(REPO / d["file"])) if not Path(d["file"]).is_absolute()
                  else EXAMPLES.index(d["file"]), d["line"]) for d in diagnostics]
    assert positions == sorted(positions)
    assert len(reports["sarif"]["runs"][0]["results"]) == total
    assert len({entry["fingerprint"] for entry in reports["gitlab"]}) == total


def test_machine_formats_are_the_same_on_two_jobs() -> None:
    one, two = machine_reports("--jobs", "1"), machine_reports("--jobs", "2")
    assert one == two


def test_sarif_keeps_the_most_severe_under_its_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    import protocols.report.sarif as sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 50)
    reports = machine_reports()
    run = reports["sarif"]["runs"][0]
    assert len(run["results"]) == 50
    levels = [result["level"] for result in run["results"]]
    assert levels == sorted(levels, key=["error", "warning", "note"].index)
    note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert f"Only the 50 most severe of {reports['json']['summary']['findings']:,}" in note


def test_findings_log_reads_back_every_field(tmp_path: Path) -> None:
    from protocols.diagnostics import Diagnostic, Location

    findings = [
        Diagnostic("PV207", "unplanned-property", Severity.WARNING, "property '\ud800' x",
                   file="a.ndjson", line=3, path='properties["\ud800"]', event="E",
                   related=Location("plan.yaml", 4, 5)),
        Diagnostic("PV001", "malformed-json", Severity.ERROR, "not JSON", file="b", line=1,
                   column=7, suggestion="s"),
    ]
    assert [decode(encode(d)) for d in findings] == findings
    log = FindingsLog(tmp_path)
    log.add(findings * 3)
    assert len(log) == 6 and list(log) == findings * 3 and list(log) == findings * 3
    path = log.path
    log.close()
    assert not path.exists()


def test_to_dict_has_every_field() -> None:
    from dataclasses import fields

    from protocols.diagnostics import Diagnostic

    diagnostic = Diagnostic("X", "x", Severity.INFO, "m")
    assert list(diagnostic.to_dict()) == [f.name for f in fields(Diagnostic)]


def test_memory_stays_flat_with_every_finding_listed(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import tracemalloc

    from protocols.report import common, render_pieces, sarif
    from protocols.validate.count import findings

    # What the complete formats hold grows up to their caps only (the SARIF results kept,
    # fingerprint occurrences, ranked pairs): lowered, so a small run goes past them all.
    monkeypatch.setattr(sarif, "MAX_RESULTS", 100)
    monkeypatch.setattr(common, "MAX_COUNTED_BASES", 100)
    monkeypatch.setattr(common, "MAX_RANKED_PAIRS", 100)
    monkeypatch.setattr(findings, "_READ_BYTES", 16_384)  # (the file is read in blocks)

    def peak(lines: int) -> int:
        path = tmp_path / f"{lines}.ndjson"
        # Three findings a message. (Values repeat: the bounded caches of values seen, which
        # fill up to their size however many findings there are, are not what is measured.)
        path.write_text("".join(json.dumps(
            {"type": "track", "event": "Order Completed", "userId": "u1",
             "properties": {"order_id": i % 100, "currency": f"c{i % 100}",
                            "total": -1 - i % 100}}) + "\n"
            for i in range(lines)), "utf-8")
        tracemalloc.start()
        result = validate_inputs(PLAN, [str(path)], ValidateOptions(every_finding=True))
        written = {}
        for name in ("json", "sarif", "gitlab"):
            written[name] = sum(len(piece) for piece in render_pieces(name, result,
                                                                     RenderOptions()))
        _, high = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert len(result.findings or ()) == result.summary["findings"] >= 3 * lines
        assert written["json"] > 300 * lines
        return high

    peak(200)  # (caches filled)
    small, large = peak(600), peak(2_400)
    assert large < small * 1.5, (small, large)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_run_that_fails_leaves_no_findings_file(tmp_path: Path, jobs: int,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from protocols.validate import parallel

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setattr(parallel, "PIECE_BYTES", 4096)  # pieces, so --jobs 2 runs on two
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps({"type": "track", "event": "Nope", "userId": f"u{i}"})
                           + "\n" for i in range(300)), "utf-8")

    def interrupt(progress: object) -> None:
        assert any(scratch.glob("protocols-findings-*"))  # (the log exists by now)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        validate_inputs(PLAN, [str(log)], ValidateOptions(jobs=jobs, every_finding=True),
                        progress=interrupt)
    assert not list(scratch.glob("protocols-findings-*"))
