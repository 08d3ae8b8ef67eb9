"""Security: text from plans and logs never reaches a terminal (or a CI page) raw.

Issue 11's attacks: event names and values carrying ESC/OSC sequences, CR, NUL and
bidirectional overrides were printed as they are; a lone surrogate (``"\\ud800"``, valid JSON)
crashed every report format. Human formats (text, Markdown, GitHub, JUnit, the diff
changelog, CLI errors) must show such characters escaped; JSON, SARIF and GitLab must stay
exact: valid JSON whose strings decode to the very text that was read.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app
from protocols.jsontext import json_text
from protocols.safetext import printable

HOSTILE = {
    "esc": "\x1b[2J\x1b[31mred",
    "osc": "\x1b]0;pwned\x07title",
    "osc8": "\x1b]8;;https://evil.test\x1b\\link\x1b]8;;\x1b\\",
    "cr": "ok\rFAKE LINE",
    "nul": "cut\x00here",
    "newline": "one\nNo problems found.",
    "c1": "c1\x9b31m",
    "bidi": "admin\u202e\u2066txt.exe\u2069",
    "surrogate": "half \ud800 pair",
}
# What must never appear raw in human-facing output (newline aside: it ends lines).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                 "\ud800-\udfff]")
HUMAN = ["text", "github", "markdown", "junit", "html"]
MACHINE = ["json", "sarif", "gitlab"]
PLAN = """protocols: 1
plan: shop
version: "1.0.0"
events:
  Order Completed:
    properties:
      status: {type: string, enum: [paid, open]}
      note: {type: string}
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plan.yaml").write_text(PLAN, "utf-8")
    messages = []
    for kind, text in HOSTILE.items():
        messages.append({"type": "track", "event": f"Order {text}", "userId": "u",
                         "context": {"library": {"name": f"src-{kind}"}},
                         "properties": {"status": text, note_key(text): text}})
        messages.append({"type": "track", "event": "Order Completed", "userId": "u",
                         "context": {"library": {"name": text}},
                         "properties": {"status": text, "note": 1}})
    # json.dumps writes "\ud800" as its escape: the log is valid JSON, as production's is.
    (tmp_path / "log.ndjson").write_text(
        "".join(json.dumps(m) + "\n" for m in messages) + "not json \x1b[31m\n", "utf-8")
    return tmp_path


def note_key(text: str) -> str:
    return f"note {text}"


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("fmt", HUMAN)
def test_human_formats_show_hostile_text_escaped(work: Path, fmt: str) -> None:
    result = run("validate", "--plan", "plan.yaml", "log.ndjson", "-f", fmt,
                 "--max-examples", "50")
    assert result.exit_code == 1, result.output
    assert RAW.search(result.output) is None, repr(RAW.search(result.output))
    if fmt != "html":  # a newline is only white space in a page (its own text keeps them)
        assert "No problems found" not in result.output.replace("\\nNo problems found", "")
    for fragment in ("31mred", "pwned", "evil.test", "FAKE LINE", "here", "c1", "txt.exe",
                     "pair", "\\x1b", "\\u202e", "\\ud800"):  # shown, not dropped
        assert fragment in result.output, (fragment, fmt)


@pytest.mark.parametrize("fmt", MACHINE)
def test_machine_formats_stay_exact_and_valid(work: Path, fmt: str) -> None:
    result = run("validate", "--plan", "plan.yaml", "log.ndjson", "-f", fmt,
                 "--max-examples", "50", "-o", f"report.{fmt}")
    assert result.exit_code == 1, result.output
    raw = (work / f"report.{fmt}").read_bytes()
    document = json.loads(raw.decode("utf-8"))  # valid UTF-8 and valid JSON
    found = "\n".join(strings(document))
    assert "\\ud800" in raw.decode("utf-8")  # the surrogate as its JSON escape
    # No raw control character either: JSON escapes C0 itself; C1 (\x9b, an 8-bit CSI),
    # DEL and bidi characters are written as \u escapes too, with the same value.
    assert RAW.search(raw.decode("utf-8").replace("\n", "")) is None, fmt
    assert "\\u009b" in raw.decode("utf-8") and "\\u202e" in raw.decode("utf-8")
    for text in HOSTILE.values():
        assert text in found or repr(text)[1:-1] in found, (fmt, text)


def test_text_report_on_a_terminal_keeps_its_own_colours_only(work: Path) -> None:
    """With colour forced, the only escape sequences are rich's own SGR codes."""
    from protocols.diagnostics import Diagnostic, Severity
    from protocols.report import REPORTERS, RenderOptions, RunResult

    diagnostic = Diagnostic("PV201", "unplanned-event", Severity.ERROR,
                            f"event {HOSTILE['osc']} is not planned", "log\x1b[8m.ndjson", 3,
                            path=f"properties.{HOSTILE['bidi']}", event=HOSTILE["cr"],
                            suggestion=HOSTILE["surrogate"])
    text = REPORTERS["text"](RunResult("validate", (diagnostic,), {}),
                             RenderOptions(color=True))
    sequences = re.findall("\x1b[^m]*m", text)
    assert sequences and all(re.fullmatch("\x1b\\[[0-9;]*m", s) for s in sequences)
    assert RAW.search(re.sub("\x1b\\[[0-9;]*m", "", text)) is None
    assert "\\x1b]0;pwned\\x07title" in text and "\\u202e" in text and "\\ud800" in text


def test_plan_snippets_file_names_and_carets(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan whose source line holds a bidi override and whose name holds ESC: the snippet
    and the location are escaped, and the caret still sits under the token."""
    monkeypatch.chdir(tmp_path)
    name = "shop\x1b[31m.yaml"
    (tmp_path / name).write_text(
        'protocols: 1\nplan: shop\nevents:\n  "A\u202eB": {description: "x\\e[2J",'
        ' prperties: {}}\n', "utf-8")
    result = run("lint", name)
    assert result.exit_code == 1
    assert RAW.search(result.output) is None, result.output
    assert "shop\\x1b[31m.yaml:4:" in result.output
    lines = result.output.splitlines()
    source = next(i for i, line in enumerate(lines) if line.startswith("4 |"))
    caret = lines[source + 1]
    column = caret.index("^") - caret.index("|") - 1
    assert lines[source][lines[source].index("|") + 1:][column:].startswith("prperties")


def test_cli_errors_that_echo_input_are_escaped(work: Path) -> None:
    for args in (["validate", "--plan", "nope\x1b]0;pwned\x07", "log.ndjson"],
                 ["validate", "--plan", "plan.yaml", "missing\x1b[2J.ndjson"],
                 ["lint", "gone\u202e.yaml"],
                 ["diff", "plan.yaml", "--against", "x\x1b[31m.yaml"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert RAW.search(result.output) is None, (args, result.output)
        assert "\\x1b" in result.output or "\\u202e" in result.output


def test_diff_changelog_and_text_escape_names(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(PLAN, "utf-8")
    (tmp_path / "new.yaml").write_text(
        PLAN.replace("Order Completed", '"Order\\e]0;x\\aDone"'), "utf-8")
    result = run("diff", "new.yaml", "--against", "old.yaml", "--changelog", "-")
    assert RAW.search(result.output) is None, result.output
    assert "\\x1b]0;x\\x07" in result.output


# -- the two functions, as properties ----------------------------------------------------------


@settings(max_examples=200)
@given(st.text())
def test_printable_leaves_nothing_unsafe_and_changes_only_unsafe_characters(text: str) -> None:
    shown = printable(text)
    assert RAW.search(shown) is None and "\n" not in shown
    shown.encode("utf-8")  # always writable
    if RAW.search(text) is None and "\n" not in text:
        assert shown == text


@settings(max_examples=200)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20))
def test_json_text_is_exact_and_encodable(value: Any) -> None:
    text = json_text(value, indent=2)
    text.encode("utf-8")
    assert json.loads(text) == value
    assert RAW.search(text.replace("\n", "")) is None  # and safe to print


@pytest.mark.parametrize("command", [["export", "segment", "{plan}"],
                                     ["lint", "{plan}", "-f", "json"],
                                     ["lint", "{plan}", "-f", "sarif"]])
def test_plan_commands_writing_json_escape_control_characters(tmp_path: Path,
                                                             command: list[str]) -> None:
    """Found by a fuzz of hostile plans: C1 controls and bidi marks from names and enum values
    came out raw on stdout in lint's JSON and SARIF and in export (YAML escapes below)."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.replace("paid, open", r'"pa\x9bid", "op\u202een"').replace(
        "note: {type: string}", r'"n\x9bote": {type: string}').replace(
        "  Order Completed:", r'  "Order\x9bCompleted":'), "utf-8")
    result = run(*[part.format(plan=plan) for part in command])
    assert result.exit_code in (0, 1), result.output
    assert RAW.search(result.output.replace("\n", "")) is None, (command, result.output)
    assert "\\u009b" in result.output, result.output  # shown, as its JSON escape


def test_the_reasons_file_is_exact_and_printable(work: Path) -> None:
    result = run("validate", "--plan", "plan.yaml", "log.ndjson", "-f", "json", "-o",
                 "report.json", "--bad", "bad.ndjson", "--bad-reasons", "reasons.ndjson")
    assert result.exit_code == 1, result.output
    text = (work / "reasons.ndjson").read_text("utf-8")
    assert RAW.search(text.replace("\n", "")) is None
    reasons = [json.loads(line) for line in text.splitlines()]
    found = "\n".join(strings(reasons))
    assert any(value in found for value in (HOSTILE["c1"], HOSTILE["bidi"]))
