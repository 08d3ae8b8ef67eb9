"""Change rules as data: tests/diff_cases/*.yaml hold an old plan, a new plan and the findings.

Each case lists every finding of ``protocols diff`` between the two (changes and version
findings) as rule id and level (for the default audience, the worse of producers and
consumers), and optionally its line in the new plan and its suggestion.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from protocols.diff.rules import all_change_rules
from protocols.diff.run import DiffOptions, run_diff
from protocols.report import RunResult
from tests.conftest import REPO

CASES = REPO / "tests" / "diff_cases"
# Rules that need a git history or several plan files: covered in tests/test_diff_git.py.
COVERED_ELSEWHERE = {"plan-added", "plan-removed"}


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
            params.append(pytest.param(case, id=f"{path.stem}-{case['name']}"))
    return params


def diff_texts(old: str, new: str, folder: Path, **options: Any) -> RunResult:
    (folder / "old.yaml").write_text(old, "utf-8")
    (folder / "new.yaml").write_text(new, "utf-8")
    return run_diff(DiffOptions(plan=Path("new.yaml"), against="old.yaml", cwd=folder,
                                **options))


@pytest.mark.parametrize("case", load_cases())
def test_diff_case(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = diff_texts(case["old"], case["new"], tmp_path)
    found = sorted((d.name, _level(d.severity.value)) for d in result.diagnostics)
    expected = sorted((e["id"], e["level"]) for e in case["expect"])
    assert found == expected, [d.message for d in result.diagnostics]
    for want in case["expect"]:
        matching = [d for d in result.diagnostics if d.name == want["id"]]
        if "line" in want:
            assert want["line"] in [d.line for d in matching], (
                want, [(d.file, d.line, d.message) for d in matching])
            assert all(d.file == "new.yaml" for d in matching)
        if "suggestion" in want:
            assert [d.suggestion for d in matching] == [str(want["suggestion"])]
    if "version" in case:
        verdict = result.extra["version"]["new.yaml"]
        for key, value in case["version"].items():
            assert verdict[key] == value, (key, verdict)


def _level(severity: str) -> str:
    return {"error": "breaking", "warning": "possibly-breaking", "info": "non-breaking"}[severity]


def test_every_change_rule_has_a_case() -> None:
    covered: set[str] = set(COVERED_ELSEWHERE)
    for case in load_cases():
        covered.update(e["id"] for e in case.values[0]["expect"])
    missing = [rule.id for rule in all_change_rules() if rule.id not in covered]
    assert missing == []


def test_a_case_without_changes_exists_in_each_file() -> None:
    for path in sorted(CASES.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text("utf-8"))["cases"]
        assert any(case["expect"] for case in cases), path.name


def test_rule_ids_and_codes_are_stable_shapes() -> None:
    rules = all_change_rules()
    assert len({r.id for r in rules}) == len({r.code for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"PD\d{3}", rule.code), rule.code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id), rule.id
        assert rule.summary.endswith("."), rule.id


def test_every_change_rule_is_in_the_generated_docs() -> None:
    text = (REPO / "docs" / "rules.md").read_text("utf-8")
    for rule in all_change_rules():
        assert f"### {rule.code} {rule.id}\n" in text


def deep_chain(levels: int, fan: int, leaf: str = "string") -> str:
    lines = ["protocols: 1", "plan: deep", "types:"]
    for level in range(levels):
        lines += [f"  T{level}:", "    type: object", "    properties:"]
        lines += [f"      p{i}: {{type: T{level + 1}}}" for i in range(fan)]
    lines += [f"  T{levels}: {{type: {leaf}}}", "events:", "  Deep:", "    description: d",
              "    properties:", "      root: {type: T0}", "      n: {type: integer}"]
    return "\n".join(lines) + "\n"


def test_types_that_did_not_change_are_not_compared_at_each_use(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """Found by review of docs: diff compared a named type again at each use, so ten
    properties of the next type six levels deep took 27 s to find no change, nine never
    ended (nor did docs' changelog, which diffs each version of a plan)."""
    import time

    monkeypatch.chdir(tmp_path)
    old = deep_chain(9, 10)
    start = time.monotonic()
    result = diff_texts(old, old.replace("n: {type: integer}", "n: {type: number}"), tmp_path)
    assert time.monotonic() - start < 10
    assert [(d.name, d.path) for d in result.diagnostics] == [
        ("type-widened", "events.Deep.properties.n")]


def test_a_changed_type_is_still_reported_at_each_use(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    old = deep_chain(2, 2)  # root.pA.pB, four uses of T2
    new = deep_chain(2, 2, leaf="integer")
    paths = sorted(d.path for d in diff_texts(old, new, tmp_path).diagnostics
                   if d.name == "type-changed")
    assert paths == [f"events.Deep.properties.root.properties.p{a}.properties.p{b}"
                     for a in range(2) for b in range(2)]
    # T0 and T1 are written the same, but refer to T2, which changed: compared all the same.
    from protocols.diff.schema import unchanged_types
    from protocols.plan import load_plan

    (tmp_path / "old.yaml").write_text(old, "utf-8")
    (tmp_path / "new.yaml").write_text(new, "utf-8")
    defs = [load_plan(tmp_path / f"{v}.yaml").events["Deep"].schema["$defs"]
            for v in ("old", "new")]
    assert unchanged_types(*defs) == frozenset()
    assert unchanged_types(defs[0], defs[0]) == {"T0", "T1", "T2"}


def test_a_changed_type_deep_in_many_uses_is_listed_a_bounded_number_of_times(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by review of docs: a change in a type used ten times in a type used ten times,
    nine deep, was compared (and listed) at each of 10**9 places: diff never ended. Each
    written use of a type is compared up to MAX_USES_LISTED times in a message; the rest
    would list the same changes with the same levels."""
    import time

    from protocols.diff.schema import MAX_USES_LISTED

    monkeypatch.chdir(tmp_path)
    start = time.monotonic()
    result = diff_texts(deep_chain(9, 10), deep_chain(9, 10, leaf="integer"), tmp_path)
    assert time.monotonic() - start < 10
    changed = [d for d in result.diagnostics if d.name == "type-changed"]
    assert len(changed) == MAX_USES_LISTED
    assert all(d.path.startswith("events.Deep.properties.root.") for d in changed)
    assert all(d.severity.value == "error" for d in changed)  # breaking, as at every use
