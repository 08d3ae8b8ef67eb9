"""``protocols lint`` through typer's runner: exit codes, rule selection, configuration layers,
inline suppression, output formats, and malformed plans that must never produce a traceback."""

from __future__ import annotations

import json
import linecache
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from protocols.cli import app
from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden"

# One error of each kind the selection tests need: PL201 and PL202 (naming), PL301 (quality).
NAMING_AND_QUALITY = """\
protocols: 1
plan: shop
conventions: {event_case: title, property_case: snake}
events:
  order_completed:
    properties:
      orderId: {type: string}
"""

ONLY_WARNING = """\
protocols: 1
plan: shop
events:
  Order Completed:
    properties:
      total: {type: number}
"""

CLEAN = """\
protocols: 1
plan: shop
events:
  Order Completed:
    description: The order was paid.
    properties:
      total: {type: number}
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the working directory, so no configuration file is found."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return tmp_path


def run(*args: str) -> Result:
    # The text reporter reads source lines through linecache, which keeps a file's lines by
    # name; every test here lints a "plan.yaml" of its own, so start from an empty cache.
    linecache.clearcache()
    result = CliRunner().invoke(app, ["lint", *args])
    # Whatever the input, the command ends by exiting, never by an exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output)
    return result


def write(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def json_report(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def codes(*args: str) -> set[str]:
    return {d["code"] for d in json_report(*args)["diagnostics"]}


# -- exit codes -----------------------------------------------------------------------------


def test_clean_plan_exits_0(workdir: Path) -> None:
    write(workdir, CLEAN)
    result = run("plan.yaml")
    assert result.exit_code == 0
    assert "No problems found in 1 file." in result.stdout


def test_errors_exit_1(workdir: Path) -> None:
    write(workdir, NAMING_AND_QUALITY)
    result = run("plan.yaml")
    assert result.exit_code == 1
    assert "error[PL201 event-case]" in result.stdout


def test_warnings_exit_0_unless_strict(workdir: Path) -> None:
    write(workdir, ONLY_WARNING)
    assert run("plan.yaml").exit_code == 0
    assert run("plan.yaml", "--strict").exit_code == 1


def test_strict_from_the_config_file(workdir: Path) -> None:
    write(workdir, ONLY_WARNING)
    write(workdir, "[lint]\nstrict = true\n", ".protocols.toml")
    assert run("plan.yaml").exit_code == 1


def test_default_path_is_plans_folder(workdir: Path) -> None:
    (workdir / "plans").mkdir()
    write(workdir / "plans", CLEAN, "shop.yaml")
    result = run()
    assert result.exit_code == 0
    assert "in 1 file" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--select", "PL999"], "unknown rule 'PL999'"),
    (["--ignore", "event-cas"], "did you mean 'event-case'?"),
    (["--select", "PL21"], "unknown rule 'PL21'; did you mean 'PL201'?"),
    (["--rule", "PL301=loud"], "unknown severity 'loud'"),
    (["--rule", "PL301"], "--rule takes CODE=SEVERITY"),
    (["--rule", "nope=error"], "unknown rule 'nope'"),
    (["--format", "yaml"], "unknown format 'yaml'"),
    (["missing.yaml"], "no such file or folder: missing.yaml"),
])
def test_usage_errors_exit_2(workdir: Path, args: list[str], message: str) -> None:
    write(workdir, CLEAN)
    result = run(*(args if args == ["missing.yaml"] else ["plan.yaml", *args]))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_folder_without_plans_is_a_usage_error(workdir: Path) -> None:
    (workdir / "empty").mkdir()
    result = run("empty")
    assert result.exit_code == 2
    assert "no plan files" in result.stderr


# -- choosing rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "expected"), [
    ([], {"PL201", "PL202", "PL301"}),
    (["--select", "PL201"], {"PL201"}),
    (["--select", "event-case"], {"PL201"}),
    (["--select", "naming"], {"PL201", "PL202"}),
    (["--select", "PL2"], {"PL201", "PL202"}),
    (["--select", "quality"], {"PL301"}),
    (["--select", "PL201", "--select", "missing-description"], {"PL201", "PL301"}),
    (["--ignore", "PL301"], {"PL201", "PL202"}),
    (["--ignore", "property-case"], {"PL201", "PL301"}),
    (["--ignore", "naming"], {"PL301"}),
    (["--ignore", "PL20"], {"PL301"}),
    (["--select", "naming", "--ignore", "PL202"], {"PL201"}),
])
def test_select_and_ignore_forms(workdir: Path, args: list[str], expected: set[str]) -> None:
    write(workdir, NAMING_AND_QUALITY)
    assert codes("plan.yaml", *args) == expected


def test_rule_flag_sets_severity_by_code_or_name(workdir: Path) -> None:
    write(workdir, ONLY_WARNING)
    result = run("plan.yaml", "--rule", "PL301=error")
    assert result.exit_code == 1
    assert "error[PL301 missing-description]" in result.stdout
    report = json_report("plan.yaml", "--rule", "missing-description=info")
    assert [d["severity"] for d in report["diagnostics"]] == ["info"]
    assert codes("plan.yaml", "--rule", "PL301=off") == set()


def test_layers_config_then_plan_then_flags(workdir: Path) -> None:
    write(workdir, '[tool.protocols.lint]\nrules = {PL301 = "error"}\n', "pyproject.toml")
    write(workdir, ONLY_WARNING)
    assert [d["severity"] for d in json_report("plan.yaml")["diagnostics"]] == ["error"]
    write(workdir, ONLY_WARNING + "lint:\n  rules: {missing-description: info}\n")
    assert [d["severity"] for d in json_report("plan.yaml")["diagnostics"]] == ["info"]
    flagged = json_report("plan.yaml", "--rule", "PL301=warning")
    assert [d["severity"] for d in flagged["diagnostics"]] == ["warning"]


def test_config_file_select_and_ignore(workdir: Path) -> None:
    write(workdir, NAMING_AND_QUALITY)
    write(workdir, '[lint]\nselect = ["naming"]\nignore = ["PL201"]\n', ".protocols.toml")
    assert codes("plan.yaml") == {"PL202"}


def test_config_file_with_unknown_key_is_a_usage_error(workdir: Path) -> None:
    write(workdir, CLEAN)
    write(workdir, "[lint]\nstrikt = true\n", ".protocols.toml")
    result = run("plan.yaml")
    assert result.exit_code == 2
    assert "did you mean 'strict'?" in result.stderr


def test_plan_lint_rules_with_unknown_rule_is_a_positioned_finding(workdir: Path) -> None:
    write(workdir, ONLY_WARNING + 'lint:\n  rules: {PL3O1: "off"}\n')
    result = run("plan.yaml")
    assert result.exit_code == 1
    assert "unknown rule 'PL3O1'; did you mean 'PL301'?" in result.stdout
    assert "--> plan.yaml:8:11" in result.stdout
    assert "warning[PL301 missing-description]" in result.stdout  # the bad entry is skipped


def test_unquoted_off_in_plan_rules_gets_a_yaml_hint(workdir: Path) -> None:
    write(workdir, ONLY_WARNING + "lint:\n  rules: {PL301: off}\n")
    result = run("plan.yaml")
    assert result.exit_code == 1
    assert "booleans, so quote the value" in result.stdout


# -- inline suppression -----------------------------------------------------------------------


@pytest.mark.parametrize(("comment_line", "suppressed"), [
    ("      orderId: {type: string}  # protocols: ignore[PL202]", True),
    ("      orderId: {type: string}  # protocols: ignore[property-case]", True),
    ("      orderId: {type: string}  # protocols: ignore", True),
    ("      # protocols: ignore[PL202]\n      orderId: {type: string}", True),
    ("      orderId: {type: string}  # protocols: ignore[PL201]", False),
])
def test_inline_suppression(workdir: Path, comment_line: str, suppressed: bool) -> None:
    write(workdir, NAMING_AND_QUALITY.replace("      orderId: {type: string}", comment_line))
    report = json_report("plan.yaml", "--select", "PL202")
    assert (report["diagnostics"] == []) is suppressed
    assert report["summary"]["suppressed"] == int(suppressed)


# -- output -----------------------------------------------------------------------------------


def test_json_output_fields(workdir: Path) -> None:
    write(workdir, NAMING_AND_QUALITY)
    report = json_report("plan.yaml")
    assert report["command"] == "lint"
    assert report["summary"] == {"files": 1, "error": 2, "warning": 1, "info": 0,
                                 "suppressed": 0}
    first = report["diagnostics"][0]
    assert {k: first[k] for k in ("code", "name", "severity", "file", "line", "column",
                                  "path", "suggestion")} == {
        "code": "PL201", "name": "event-case", "severity": "error", "file": "plan.yaml",
        "line": 5, "column": 3, "path": "events.order_completed",
        "suggestion": "Order Completed"}
    assert "'order_completed' is not title case" in first["message"]
    missing_description = next(d for d in report["diagnostics"] if d["code"] == "PL301")
    assert missing_description["suggestion"] is None


def test_no_colour_codes_when_not_a_tty(workdir: Path) -> None:
    write(workdir, NAMING_AND_QUALITY)
    result = run("plan.yaml")
    assert "\x1b[" not in result.output
    assert "  --> plan.yaml:5:3" in result.stdout


def test_several_formats_in_one_run(workdir: Path) -> None:
    write(workdir, NAMING_AND_QUALITY)
    result = run("plan.yaml", "-f", "text", "-f", "json", "-o", "out/lint.txt",
                 "-o", "out/lint.json")
    assert result.exit_code == 1
    assert "error[PL201 event-case]" in (workdir / "out" / "lint.txt").read_text("utf-8")
    data = json.loads((workdir / "out" / "lint.json").read_text("utf-8"))
    assert data["summary"]["error"] == 2


GOLDEN_PLAN = """\
protocols: 1
plan: shop
conventions: {event_case: title, property_case: snake}
properties:
  coupon: {type: string, description: Coupon code.}
events:
  Order Completed:
    description: The order was paid.
    properties:
      total: {type: number, minimum: 10, maximum: 1}
      placed_at: {type: string, format: datetime}
  Order Complted:
    description: A typo of the event above.
  product_viewed:
    properties:
      sku: {type: string, pattern: "^([A-Z]+-?)+$"}
"""


def test_text_report_matches_golden_file(workdir: Path) -> None:
    write(workdir, GOLDEN_PLAN)
    result = run("plan.yaml")
    assert result.exit_code == 1
    golden = GOLDEN / "lint_text.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(result.stdout, "utf-8")
    assert result.stdout == golden.read_text("utf-8")


# -- malformed plans --------------------------------------------------------------------------


def _alias_bomb() -> bytes:
    lines = ["protocols: 1", "plan: shop", 'x-a: &a ["lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"x-{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines).encode()


MALFORMED: dict[str, tuple[bytes, str, str]] = {
    # name: (file content, expected code, expected "line:column")
    "syntax error": (b"protocols: 1\nplan: shop\nevents: {Order Completed: [}\n", "PL100",
                     "3:28"),
    "tab indentation": (b"protocols: 1\nplan: shop\nevents:\n\tOrder Completed: {}\n",
                        "PL100", "4:1"),
    "non-UTF-8 bytes": (b"protocols: 1\nplan: shop\ndescription: Caf\xe9\n", "PL110", "3:17"),
    "list where a mapping belongs": (b"protocols: 1\nplan: shop\nevents: [a, b]\n", "PL103",
                                     "3:9"),
    "list at the top": (b"- protocols: 1\n- plan: shop\n", "PL103", "1:1"),
    "deep nesting": (b"protocols: 1\nplan: shop\nx-deep: " + b"[" * 100 + b"]" * 100 + b"\n",
                     "PL100", "3:73"),
    "alias bomb": (_alias_bomb(), "PL100", "3"),
    "binary garbage": (bytes(range(256)) * 4, "PL110", "2:118"),  # byte 0x80
    "empty file": (b"", "PL100", "1:1"),
    "two documents": (b"protocols: 1\nplan: a\n---\nprotocols: 1\nplan: b\n", "PL100", "4:1"),
    "scalar document": (b"just some words\n", "PL103", "1:1"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_plans_give_positioned_errors(workdir: Path, name: str) -> None:
    content, code, position = MALFORMED[name]
    (workdir / "plan.yaml").write_bytes(content)
    result = run("plan.yaml")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert f"error[{code} " in result.stdout
    assert f"--> plan.yaml:{position}" in result.stdout
    report = json_report("plan.yaml")
    assert report["diagnostics"][0]["code"] == code
    assert report["diagnostics"][0]["line"] is not None


def test_unreadable_plan_is_reported(workdir: Path) -> None:
    (workdir / "plan.yaml").mkdir()  # a folder named like a plan: it holds no plans itself
    write(workdir, CLEAN, "real.yaml")
    assert run(".").exit_code == 0


# -- the shipped example -----------------------------------------------------------------------

SEGMENT_ECOMMERCE_V2 = (
    "Products Searched", "Product List Viewed", "Product List Filtered", "Promotion Viewed",
    "Promotion Clicked", "Product Clicked", "Product Viewed", "Product Added",
    "Product Removed", "Cart Viewed", "Checkout Started", "Checkout Step Viewed",
    "Checkout Step Completed", "Payment Info Entered", "Order Completed", "Order Updated",
    "Order Refunded", "Order Cancelled", "Coupon Entered", "Coupon Applied", "Coupon Denied",
    "Coupon Removed", "Product Added to Wishlist", "Product Removed from Wishlist",
    "Wishlist Product Added to Cart", "Product Shared", "Cart Shared", "Product Reviewed",
)


def test_ecommerce_plan_is_complete_and_lints_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    import protocols

    monkeypatch.chdir(REPO)
    result = run("plans/ecommerce.yaml", "--strict", "--format", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["diagnostics"] == []
    plan = protocols.load_plan(REPO / "plans" / "ecommerce.yaml")
    assert set(SEGMENT_ECOMMERCE_V2) <= set(plan.events)
    for spec in plan.messages():
        assert spec.description, spec.label
    for spec in plan.events.values():
        assert spec.owner, spec.label
    # Shapes other commands' examples rely on.
    assert plan.events["Order Completed"].schema["required"] == [
        "order_id", "currency", "total", "products"]
    assert plan.events["Product Added"].schema["required"] == ["cart_id", "product_id"]
    assert plan.identify is not None and plan.group is not None
    assert plan.identify.schema["required"] == ["email"]


def test_a_crashing_rule_becomes_a_finding_not_a_traceback(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from protocols.lint.registry import RULES, all_rules

    all_rules()  # registers every rule

    def broken(ctx: object) -> list[Any]:
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(RULES, "PL207", replace(RULES["PL207"], check=broken))
    write(workdir, NAMING_AND_QUALITY)
    result = run("plan.yaml")
    assert result.exit_code == 1
    assert ("internal error in rule PL207 enum-mixed-case while checking this file "
            "(ZeroDivisionError: boom)") in result.stdout
    assert "error[PL201 event-case]" in result.stdout  # the other rules still ran
