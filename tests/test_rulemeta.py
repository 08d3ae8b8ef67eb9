"""Rule metadata for reporters: the lint registry, extra lookups, and a fallback for codes
nobody describes; help links land on real headings of docs/rules.md."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from protocols.diagnostics import Severity
from protocols.lint.registry import all_rules
from protocols.report import rulemeta
from protocols.report.base import DEFAULT_RULES_URL
from protocols.report.rulemeta import RuleInfo, from_registry, rule_info
from tests.conftest import REPO


def github_anchors(markdown: str) -> set[str]:
    """Anchors GitHub generates for headings: lower case, punctuation dropped, spaces to -."""
    headings = re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def test_every_lint_rules_help_link_lands_on_its_heading_in_rules_md() -> None:
    anchors = github_anchors((REPO / "docs" / "rules.md").read_text("utf-8"))
    for rule in all_rules():
        info = rule_info(rule.code, name="ignored", severity=Severity.INFO)
        assert (info.name, info.default, info.documented) == (rule.name, rule.default, True)
        uri = info.help_uri(DEFAULT_RULES_URL)
        assert uri.startswith(DEFAULT_RULES_URL + "#")
        assert uri.split("#", 1)[1] in anchors, rule.code


def test_full_description_is_the_first_paragraph_on_one_line() -> None:
    info = rule_info("PL201", name="event-case", severity=Severity.ERROR)
    assert "\n" not in info.full_description
    assert info.full_description.startswith("Event, page and screen names are written in")


def test_unknown_codes_get_metadata_from_the_diagnostic() -> None:
    info = rule_info("PD042", name="enum-value-removed", severity=Severity.WARNING)
    assert (info.summary, info.default, info.documented) == ("Enum value removed.",
                                                             Severity.WARNING, False)
    assert info.help_uri("https://x.test/rules.md") == \
        "https://x.test/rules.md#pd042-enum-value-removed"


def test_other_commands_register_their_codes_with_a_lookup(
        monkeypatch: pytest.MonkeyPatch) -> None:
    described = RuleInfo("PX205", "missing-required", "A required property is missing.",
                         "A required property is missing.\n\nFailing: ...", Severity.ERROR)
    monkeypatch.setattr(rulemeta, "LOOKUPS", [*rulemeta.LOOKUPS,
                                              lambda code: described if code == "PX205" else None])
    assert rule_info("PX205", name="x", severity=Severity.INFO) is described
    assert rule_info("PL201", name="x", severity=Severity.INFO).name == "event-case"


@dataclass(frozen=True)
class _Code:  # the shape of validate's ValidateCode / diff's codes
    code: str
    name: str
    default: Severity
    summary: str
    doc: str


def test_from_registry_adapts_any_code_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = {"PX103": _Code("PX103", "unplanned-event", Severity.ERROR,
                            "A track event the plan does not define.",
                            "The event is not in the plan.\n\nFailing: ...")}
    monkeypatch.setattr(rulemeta, "LOOKUPS", [*rulemeta.LOOKUPS, from_registry(codes)])
    info = rule_info("PX103", name="x", severity=Severity.INFO)
    assert (info.name, info.summary, info.default, info.documented) == (
        "unplanned-event", "A track event the plan does not define.", Severity.ERROR, True)
    assert info.full_description == "The event is not in the plan."
    assert rule_info("PX999", name="other", severity=Severity.INFO).documented is False


def test_validate_and_diff_codes_are_documented_from_their_registries() -> None:
    drift = rule_info("PV301", name="x", severity=Severity.INFO)
    assert (drift.name, drift.documented, drift.default) == ("event-name-drift", True,
                                                            Severity.ERROR)
    change = rule_info("PD202", name="x", severity=Severity.INFO)
    assert (change.name, change.documented, change.default) == ("property-added-required",
                                                               True, Severity.ERROR)
    assert change.anchor == "pd202-property-added-required"
