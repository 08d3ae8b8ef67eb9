"""Lint reports everything in one pass, once per problem, with carets under the whole token."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.report.text import _caret_width


def lint(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    result = CliRunner().invoke(app, ["lint", str(plan), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    found: list[dict[str, Any]] = json.loads(result.output)["diagnostics"]
    return found


def test_unknown_keys_do_not_hide_the_other_findings(tmp_path: Path) -> None:
    found = lint(tmp_path, """protocols: 1
plan: shop
bogus: 1
conventions: {event_case: title, property_case: snake}
events:
  order_completed:
    descripton: The order was paid.
    properties:
      orderId: {type: strin}
""")
    assert sorted((d["code"], d["line"]) for d in found) == [
        ("PL102", 3), ("PL102", 7), ("PL111", 9), ("PL201", 6), ("PL202", 9)]
    # The misspelt `descripton` is one finding: no "missing description" as well.


def test_a_broken_common_property_is_one_finding_not_one_per_event(tmp_path: Path) -> None:
    events = "".join(f"  Event {n}: {{description: d, properties: {{a: {{type: string}}}}}}\n"
                     for n in "ABCDEFGH")
    found = lint(tmp_path, f"""protocols: 1
plan: shop
common:
  properties:
    session: {{type: strin, description: d}}
    sid: {{description: d}}
events:
{events}""")
    assert sorted((d["code"], d["line"]) for d in found) == [("PL108", 6), ("PL111", 5)]


@pytest.mark.parametrize(("line", "column", "token"), [
    ("  amount: {type: strin, description: x}", 18, "strin"),
    ('      sku: {type: string, pattern: "^(a+)+$"}', 36, '"^(a+)+$"'),
    ("      total: {type: number, minimum: 5, maximum: 1}", 50, "1"),
    ("  order_completed:", 3, "order_completed"),
    ("  Order Shipped:", 3, "Order Shipped"),
    ("description: Revenue, with tax", 14, "Revenue, with tax"),
    ("  x: 'it''s' # note", 6, "'it''s'"),
    ("      tags: [a, bb, ccc]", 21, "ccc"),
])
def test_the_caret_covers_the_whole_token_and_nothing_after_it(line: str, column: int,
                                                               token: str) -> None:
    assert line[column - 1:].startswith(token)
    assert _caret_width(line, column) == len(token)
