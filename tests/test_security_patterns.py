"""Security: no pattern the tool runs can take unbounded time on a value.

Issue 11's attacks: ``^a*a*a*a*a*b$`` (polynomial) and ``^(a|aa)+$`` (exponential) passed
lint and hung ``validate`` (and the generated clients, inside the host app) for minutes.
Lint now flags overlapping alternatives and adjacent repetitions; validate runs every
pattern in bounded time; generate refuses risky patterns unless --force; infer's own format
patterns and lint's template matching are linear. The hypothesis tests generate pathological
patterns and inputs and hold the time per value, and hold the analysis to what ``re`` does.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app
from protocols.infer.stats import FORMATS
from protocols.patterns import pattern_risk, starts_anchored
from protocols.validate.check.engine import compile_validator
from protocols.validate.check.fastschema.patterns import PATTERN_TIMEOUT_SECONDS, compile_pattern

PROTOCOLS = [sys.executable, "-c", "from protocols.cli import main; main()"]
# Generous: the bound is PATTERN_TIMEOUT_SECONDS (0.25 s); CI machines are shared and slow.
SECONDS_PER_VALUE = 3.0
ATTACKS = {  # pattern: a value that makes re.search take minutes to years
    "^a*a*a*a*a*b$": "a" * 3000 + "b!",  # a "b" there, or regex would see at once
    "^(a|aa)+$": "a" * 100 + "!",
    "^(\\w|\\d)+$": "1" * 100 + "!",
    "^\\S+@\\S+\\.\\S+$": "a@" + "b." * 60_000 + " ",
}
PLAN = """protocols: 1
plan: shop
version: "1.0.0"
events:
  Order Completed:
    description: An order.
    properties:
      a: {type: string, pattern: '^a*a*a*a*a*b$'}
      b: {type: string, pattern: '^(a|aa)+$'}
      c: {type: string, pattern: '^(\\w|\\d)+$'}
      d: {type: string, pattern: '^\\S+@\\S+\\.\\S+$'}
      e: {type: string, pattern: '[a-z]+@'}
"""


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, "utf-8")
    return path


def test_lint_flags_each_attack_where_it_is_written(plan: Path) -> None:
    result = run("lint", "plan.yaml", "--select", "PL105", "-f", "json")
    found = [(d["line"], d["message"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert [line for line, _ in found] == [8, 9, 10, 11]
    assert "polynomial" in found[0][1] and "exponential" in found[1][1]
    assert "exponential" in found[2][1] and "polynomial" in found[3][1]


def test_validate_finishes_and_says_which_values_went_unchecked(plan: Path) -> None:
    log = plan.parent / "log.ndjson"
    properties = {"a": ATTACKS["^a*a*a*a*a*b$"], "b": ATTACKS["^(a|aa)+$"],
                  "c": ATTACKS["^(\\w|\\d)+$"], "d": ATTACKS["^\\S+@\\S+\\.\\S+$"],
                  "e": "a" * 200_000}
    log.write_text(json.dumps({"type": "track", "event": "Order Completed", "userId": "u",
                               "properties": properties}) + "\n", "utf-8")
    started = time.monotonic()
    result = subprocess.run([*PROTOCOLS, "validate", "--plan", "plan.yaml", "log.ndjson",
                             "-f", "json", "--max-examples", "20"], cwd=plan.parent,
                            capture_output=True, text=True, timeout=300, check=False)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < 60, elapsed  # five values, each bounded
    messages = [d["message"] for d in json.loads(result.stdout)["diagnostics"]]
    assert len(messages) == 5, messages
    # regex proves some misses at once (no "b" in the text); the others hit the time limit.
    assert all("does not match" in m or "was not checked against" in m for m in messages)
    assert sum("was not checked against" in m for m in messages) >= 2, messages


def test_generate_refuses_a_plan_with_lint_errors_unless_forced(plan: Path) -> None:
    for lang in ("python", "typescript"):
        refused = run("generate", "--lang", lang, "--plan", "plan.yaml", "--out", lang)
        assert refused.exit_code == 1, refused.output
        assert "PL105" in refused.output and "pass --force" in refused.output
        assert not Path(lang).exists()
        forced = run("generate", "--lang", lang, "--plan", "plan.yaml", "--out", lang,
                     "--force")
        assert forced.exit_code == 0, forced.output
        assert "left out of the client's runtime validation" in forced.output
        code = "\n".join(p.read_text("utf-8") for p in Path(lang).iterdir())
        for risky in ATTACKS:  # never embedded, so never run by the client
            assert json.dumps(risky)[1:-1] not in code and repr(risky)[1:-1] not in code
        assert "[a-z]+@" in code  # safe, and capped in length (not anchored)


# -- hypothesis: pathological patterns and inputs ----------------------------------------------

ATOMS = ["a", "b", "[ab]", "\\w", ".", "\\d", "1", "[a1]", "a?", "\\s"]


def patterns() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"({p[0]}|{p[1]})"),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "{1,3}", "{2}", "{0,12}"]))
            .map(lambda p: f"(?:{p[0]}){p[1]}"),
        )

    return st.recursive(st.sampled_from(ATOMS), extend, max_leaves=6)


def pumped(pattern: str, size: int) -> list[str]:
    """Texts that make backtracking engines work hardest: a repeated piece, then a
    character that makes the match fail at the end."""
    pieces = ["a", "ab", "1", "a1", " a", "aab"]
    return [piece * (size // len(piece)) + "!" for piece in pieces]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(patterns())
def test_every_search_validate_runs_is_bounded_per_value(pattern: str) -> None:
    anchored = f"^(?:{pattern})+$"  # a failing end forces every way to be tried
    search = compile_pattern(anchored).search
    check = compile_validator({"properties": {"v": {"pattern": anchored}},
                               "unevaluatedProperties": True})  # jsonschema's path too
    for text in pumped(pattern, 3000):
        started = time.monotonic()
        search(text)
        check({"v": text})
        assert time.monotonic() - started < 2 * SECONDS_PER_VALUE, (anchored, text[:20])


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(patterns())
def test_a_pattern_found_safe_runs_in_linear_time_on_re(pattern: str) -> None:
    """Soundness of the analysis against the engine itself: what it calls safe, re runs
    fast on long pumped texts (a quadratic miss would take seconds at 20,000 characters)."""
    anchored = f"^(?:{pattern})+$"
    if pattern_risk(anchored) is not None:
        return
    assert starts_anchored(anchored)
    compiled = re.compile(anchored)
    for text in pumped(pattern, 20_000):
        started = time.monotonic()
        compiled.search(text)
        assert time.monotonic() - started < 1.0, (anchored, text[:20])


@pytest.mark.parametrize(("pattern", "text"), list(ATTACKS.items()))
def test_the_issue_attacks_are_bounded(pattern: str, text: str) -> None:
    started = time.monotonic()
    # None: stopped, and reported as unchecked; False: regex proved the miss in time.
    assert compile_pattern(pattern).search(text) in (None, False)
    assert time.monotonic() - started < SECONDS_PER_VALUE
    assert f"{PATTERN_TIMEOUT_SECONDS} s" in compile_pattern(pattern).unchecked


# -- patterns of the tool's own -------------------------------------------------------------------


def test_infer_format_patterns_are_linear() -> None:
    for name, compiled in FORMATS.items():
        assert pattern_risk(compiled.pattern) is None, name
        assert starts_anchored(compiled.pattern), name
    assert FORMATS["email"].match("ada@example.co.uk")
    assert not FORMATS["email"].match("ada@localhost")


def test_infer_on_hostile_values_finishes(tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    value = "a@" + "b." * 500_000 + " "  # quadratic on the old email pattern: hours
    log.write_text(json.dumps({"type": "track", "event": "E", "userId": "u",
                               "properties": {"x": value}}) + "\n", "utf-8")
    started = time.monotonic()
    result = subprocess.run([*PROTOCOLS, "infer", str(log), "--out", str(tmp_path / "d.yaml")],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 60


def test_lint_event_template_is_linear_on_hostile_names(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """PL208 turned the template into `(.+?)(.+?)...!` and backtracked n**7 on this."""
    monkeypatch.chdir(tmp_path)
    name = "a" * 1000  # YAML keys stay under 1024 characters
    (tmp_path / "plan.yaml").write_text(
        'protocols: 1\nplan: t\nconventions:\n  event_template:\n'
        '    pattern: "{a}{b}{c}{d}{e}{f}{g}!"\n'
        f'events:\n  "{name}": {{}}\n  "x y z w v u t!": {{}}\n', "utf-8")
    started = time.monotonic()
    result = run("lint", "plan.yaml", "--select", "PL208", "-f", "json")
    assert time.monotonic() - started < 30
    found = json.loads(result.stdout)["diagnostics"]
    assert len(found) == 1 and "does not fit the template" in found[0]["message"]


# -- other keywords whose cost grew faster than the value ----------------------------------------


@pytest.mark.parametrize("fallback", [False, True])
def test_unique_items_over_objects_is_linear(fallback: bool) -> None:
    """jsonschema (and the engine after it) compared objects pairwise: n**2 steps, minutes
    for a 100,000-object array in one log line."""
    schema: dict[str, Any] = {"type": "array", "uniqueItems": True}
    if fallback:
        schema["unevaluatedItems"] = True  # sends the schema to the jsonschema path
    check = compile_validator(schema)
    items = [{"id": i, "tags": ["x", i], "price": float(i)} for i in range(100_000)]
    started = time.monotonic()
    assert check(items) == []
    assert [v.keyword for v in check([*items, {"price": 5.0, "tags": ["x", 5], "id": 5}])] == [
        "uniqueItems"]  # key order aside, JSON-equal to items[5]
    assert time.monotonic() - started < 30
    assert check([{"a": 1}, {"a": 1.0}]) != [] and check([{"a": 1}, {"a": True}]) == []


def test_unevaluated_items_and_properties_are_linear() -> None:
    """jsonschema looked every index and key up in a list of the evaluated ones: n**2."""
    items = compile_validator({"type": "array", "prefixItems": [{"type": "integer"}],
                               "unevaluatedItems": {"type": "object"}})
    keys = compile_validator({"type": "object", "properties": {"k0": {"type": "integer"}},
                              "unevaluatedProperties": {"type": "integer"}})
    started = time.monotonic()
    assert items([0, *({"i": i} for i in range(200_000))]) == []
    assert keys({f"k{i}": i for i in range(200_000)}) == []
    assert [v.keyword for v in keys({"k0": 1, "k1": "x", "k2": 2})] == ["unevaluatedProperties"]
    assert [v.keyword for v in items([0, {}, 3])] == ["unevaluatedItems"]
    assert time.monotonic() - started < 30


def test_import_matches_required_names_against_patterns_in_bounded_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """import jsonschema searched the file's own patternProperties over its own required
    names with re: `^(a|aa)+$` against 'aaa...a!' took forever. A pattern that matches a
    name with `false` is planned as "no value", a raw schema a plan can hold."""
    monkeypatch.chdir(tmp_path)
    name = "a" * 60 + "!"
    (tmp_path / "s.json").write_text(json.dumps({
        "title": "E", "type": "object", "required": [name, "c"],
        "patternProperties": {"^(a|aa)+$": {"type": "string"}, "^c": False}}), "utf-8")
    started = time.monotonic()
    result = run("import", "jsonschema", "s.json", "--out", "plan.yaml")
    assert time.monotonic() - started < 30
    assert result.exit_code == 0, result.output
    assert run("lint", "plan.yaml", "--ignore", "PL105", "--ignore", "PL3").exit_code == 0


# Patterns the `regex` package would expand into gigabytes as it compiles them (it copies
# a repeat's body per count: nested repeats multiply). Found by a fuzz of hostile plans:
# 50-deep nested `+` ran out of memory, 20 deep took 1.3 GB.
MEMORY_ATTACKS = ["(?:" * 25 + "a+" + ")+" * 25, "x((a{300}){300}){300}",
                  "(?:" * 25 + "a+" + ")+" * 25 + "\\X"]


def test_regex_fits_bounds_what_regex_compiles() -> None:
    from protocols.patterns import regex_fits

    assert regex_fits("^[a-z_]+$") and regex_fits("\\p{L}+") and regex_fits("((a{40}){40}){40}")
    assert regex_fits("(?:" * 14 + "a+" + ")+" * 14)  # 16,384 copies: 33 MB, measured
    assert not regex_fits("(?:" * 17 + "a+" + ")+" * 17)
    assert not regex_fits("((a{100}){100}){100}")  # a million: 288 MB, measured
    assert not any(regex_fits(pattern) for pattern in MEMORY_ATTACKS)
    # One range is not expanded (0 MB, measured): such patterns still run on regex.
    assert all(regex_fits(p) for p in ("\\p{L}{1,200000}", "[\\s\\S]{1,1000000}",
                                        "(?:ab){1,100000}", "(?:(?:x+){1,1000}){1,1000}"))
    # A class is copied whole on each repeat: 3,000 members 30,000 times took 359 MB.
    assert not regex_fits("(?:[" + "abcdefghij" * 300 + "]x){30000}")


def test_lint_says_a_pattern_is_too_large_instead_of_running_out_of_memory(
        tmp_path: Path) -> None:
    """Found by review: lint gave such a pattern to regex to see whether it compiles
    (MemoryError under 1.5 GB: "internal error in rule PL105")."""
    from protocols.patterns import compile_error

    assert compile_error("(?:(?:\\p{L}{100}){100}){1000}") == \
        "the expression is too large to compile"


def test_validate_compiles_no_pattern_into_unbounded_memory(tmp_path: Path) -> None:
    """In a process limited to 1.5 GB of address space, each attack pattern is searched
    (reported unchecked, with a reason) instead of running out of memory."""
    script = (
        "import resource, json, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))\n"
        "from protocols.validate.check.fastschema.patterns import search_or_unchecked\n"
        "out = []\n"
        "for pattern in json.loads(sys.argv[1]):\n"
        "    bounded = search_or_unchecked(pattern)\n"
        "    out.append([bounded.search('aaab'), bounded.unchecked])\n"
        "print(json.dumps(out))\n")
    done = subprocess.run([sys.executable, "-c", script, json.dumps(MEMORY_ATTACKS)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    for found, reason in json.loads(done.stdout):
        assert found is None and reason  # unchecked, and says why
