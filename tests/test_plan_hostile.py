"""Hostile plans: every command ends in positioned findings or a clean usage error, never a
traceback (lint, compile, export, generate, validate all read plans through one loader)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app

BASE = "protocols: 1\nplan: h\n"
ONE_EVENT = BASE + "events:\n  A:\n    properties:\n      x: {0}\n"

# name -> (plan text, the finding lint must report: (code, line))
CASES: dict[str, tuple[str, tuple[str, int]]] = {
    "dangling $ref in a raw schema": (
        ONE_EVENT.format("{schema: {$ref: '#/$defs/Nope'}}"), ("PL108", 6)),
    "dangling $ref deep in a type": (
        BASE + "types:\n  T:\n    type: object\n    properties:\n      y:\n        schema:\n"
        "          anyOf: [{$ref: '#/$defs/T'}, {$ref: '#/$defs/Gone/properties/z'}]\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", ("PL108", 9)),
    "tuple items in a raw schema": (
        ONE_EVENT.format("{schema: {items: [{type: string}]}}"), ("PL104", 6)),
    "tuple items nested in a raw schema": (
        ONE_EVENT.format("{schema: {properties: {y: {anyOf: [{items: [{type: string}]}]}}}}"),
        ("PL104", 6)),
    "tuple items as a plan key": (
        ONE_EVENT.format("{type: array, items: [{type: string}]}"), ("PL103", 6)),
    "a library entry that contains itself": (
        BASE + "properties:\n  a: {type: object, properties: {a: {}}}\n"
        "events:\n  A:\n    properties:\n      a: {}\n", ("PL108", 4)),
    "a library entry whose items use itself": (
        BASE + "properties:\n  a: {type: array, items: {use: a}}\n"
        "events:\n  A:\n    properties:\n      a: {}\n", ("PL108", 4)),
    "two library entries that contain each other": (
        BASE + "properties:\n  a: {type: object, properties: {b: {}}}\n"
        "  b: {type: array, items: {use: a}}\n"
        "events:\n  A:\n    properties:\n      a: {}\n", ("PL108", 5)),
    ".inf in an enum": (ONE_EVENT.format("{type: number, enum: [.inf, 1]}"), ("PL103", 6)),
    ".nan as a bound": (ONE_EVENT.format("{type: number, maximum: .nan}"), ("PL103", 6)),
    "-.inf as a bound": (ONE_EVENT.format("{type: number, minimum: -.inf}"), ("PL103", 6)),
    "1e400 (infinite) as a bound": (ONE_EVENT.format("{type: number, minimum: 1e400}"),
                                    ("PL103", 6)),
    "!!binary in an x- key": (
        BASE + "events:\n  A:\n    x-data: !!binary aGVsbG8=\n", ("PL103", 5)),
    "!!binary in a property's x- key": (
        ONE_EVENT.format("{type: string, x-blob: !!binary aGVsbG8=}"), ("PL103", 6)),
    "a 4,301-digit integer": (ONE_EVENT.format("{type: integer, maximum: " + "9" * 4301 + "}"),
                              ("PL103", 6)),
    # Found by the plan fuzz: these linted clean, then `generate --lang go` and `diff` ended in
    # a RecursionError and validate said "nested too deeply" of any value.
    "a type that is only itself": (
        BASE + "types:\n  T: {type: T}\nevents:\n  A:\n    properties:\n      x: {type: T}\n",
        ("PL108", 4)),
    "two types that are only each other": (
        BASE + "types:\n  T: {type: [U, 'null']}\n  U: {type: [T]}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", ("PL108", 4)),
    "raw references that go round in place": (
        BASE + "types:\n  T: {type: object, schema: {anyOf: [{$ref: '#/$defs/U'}]}}\n"
        "  U: {type: object, schema: {$ref: '#/$defs/T'}}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", ("PL108", 4)),
    # Found in review: these linted clean, then validate said "nested too deeply" of every
    # message (the cycle check followed neither `#` nor `$dynamicRef`).
    "a payload that is only itself": (
        BASE + "events:\n  A:\n    properties:\n      x: {type: string}\n"
        "    schema: {allOf: [{$ref: '#'}]}\n", ("PL108", 7)),
    "a type that refers to the payload it is in, in place": (
        BASE + "types:\n  T: {type: object, schema: {anyOf: [{$ref: '#'}]}}\n"
        "events:\n  A:\n    schema: {$ref: '#/$defs/T'}\n", ("PL108", 4)),
    "a $dynamicRef that goes round in place": (
        BASE + "types:\n  T: {type: object, schema: {$dynamicRef: '#/$defs/T'}}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", ("PL108", 4)),
    # Found in review: int() of a digit that is no number raised ValueError out of lint.
    "a pointer whose index is a digit but no number": (
        BASE + "types:\n  T: {type: object, schema: {anyOf: [{}]}}\n"
        "events:\n  A:\n    properties:\n      t: {type: T}\n"
        "      x: {schema: {$ref: '#/$defs/T/anyOf/\u00b2'}}\n", ("PL108", 9)),
    # Found by the docs session's review: entries using entries were copied at every use,
    # ten of the next entry five deep being 111,110 copies (21 s for lint, every command
    # slowed the same; nine deep never ended).
    "library entries that multiply inside each other": (
        BASE + "properties:\n" + "".join(
            f"  l{i}:\n    type: object\n    properties:\n"
            + "".join(f"      p{j}: {{use: l{i + 1}}}\n" for j in range(10))
            for i in range(9)) + "  l9: {type: string}\n"
        "events:\n  A:\n    properties:\n      l0: {}\n", ("PL115", 116)),
}

COMMANDS: list[list[str]] = [
    ["compile", "{plan}", "--out", "{tmp}/c"],
    ["export", "segment", "{plan}"],
    ["export", "jsonschema", "{plan}", "--out", "{tmp}/j"],
    ["generate", "--lang", "python", "--plan", "{plan}", "--out", "{tmp}/py"],
    ["generate", "--lang", "typescript", "--plan", "{plan}", "--out", "{tmp}/ts"],
    ["validate", "--plan", "{plan}", "-"],
    ["generate", "--lang", "go", "--plan", "{plan}", "--out", "{tmp}/go", "--force"],
]
MESSAGE = '{"type": "track", "event": "A", "userId": "u", "properties": {"x": [1]}}\n'


def run(args: list[str], **kwargs: Any) -> Any:
    return CliRunner().invoke(app, args, catch_exceptions=True, **kwargs)


def no_traceback(result: Any, args: list[str]) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {type(result.exception).__name__}: "
                             f"{result.exception}") from result.exception
    assert "Traceback" not in result.output, (args, result.output)


def every_command(plan: Path, tmp: Path) -> list[int]:
    codes = []
    for template in COMMANDS:
        args = [part.format(plan=plan, tmp=tmp) for part in template]
        result = run(args, input=MESSAGE)
        no_traceback(result, args)
        codes.append(result.exit_code)
    return codes


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_hostile_plan_is_a_positioned_lint_error_everywhere(tmp_path: Path,
                                                                 case: str) -> None:
    text, (code, line) = CASES[case]
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    result = run(["lint", str(plan), "--format", "json"])
    no_traceback(result, ["lint"])
    assert result.exit_code == 1, result.output
    import json

    found = [(d["code"], d["line"]) for d in json.loads(result.output)["diagnostics"]]
    assert (code, line) in found, found
    # Every other command refuses the plan with its findings: nothing half written.
    for args, exit_code in zip(COMMANDS, every_command(plan, tmp_path), strict=True):
        assert exit_code == 1, (args, case)
    assert not any((tmp_path / d).exists() for d in ("c", "j", "py", "ts", "go"))
    # diff refuses a plan that does not load (exit 2), with its findings.
    result = run(["diff", str(plan), "--against", str(plan)])
    no_traceback(result, ["diff"])
    assert result.exit_code == 2 and f"{code}" in result.output, result.output


def test_recursive_types_through_properties_and_items_still_load(tmp_path: Path) -> None:
    """Only references that go round in place are refused: a recursive shape is fine."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(BASE + "types:\n  Node:\n    type: object\n    properties:\n"
                    "      children: {type: array, items: {type: Node}}\n"
                    "      parent: {type: [Node, 'null']}\n      same: {anyOf: [{type: Node}]}\n"
                    "events:\n  A:\n    properties:\n      x: {type: Node}\n", "utf-8")
    result = run(["lint", str(plan), "--format", "json"])
    import json

    assert [d["code"] for d in json.loads(result.output)["diagnostics"]
            if d["severity"] == "error"] == []
    codes = dict(zip((" ".join(c[:3]) for c in COMMANDS), every_command(plan, tmp_path),
                     strict=True))
    assert codes.pop("validate --plan {plan}") == 1  # (MESSAGE's x is a list, not a Node)
    assert set(codes.values()) == {0}, codes


def test_an_integer_beyond_64_bits_in_an_enum_is_a_lint_error_and_validate_reads_it(
        tmp_path: Path) -> None:
    import json

    plan = tmp_path / "plan.yaml"
    plan.write_text(ONE_EVENT.format("{type: integer, enum: [123456789012345678901234567890]}")
                    + "      y: {type: integer, maximum: 18446744073709551616}\n", "utf-8")
    result = run(["lint", str(plan), "--format", "json"])
    assert result.exit_code == 1
    found = [(d["code"], d["line"], d["column"]) for d in json.loads(result.output)[
        "diagnostics"] if d["severity"] == "error"]
    assert found == [("PL107", 6, 33)]  # the bound (validate compares it exactly) is fine
    # Handled, nothing crashes: compile and export write it; generate refuses a plan with
    # lint errors (issue 11), and with --force Python holds the integer, TypeScript cannot.
    assert every_command(plan, tmp_path)[:5] == [0, 0, 0, 1, 1]
    forced = [run([*args, "--force"]).exit_code for args in (
        ["generate", "--lang", "python", "--plan", str(plan), "--out", str(tmp_path / "fp")],
        ["generate", "--lang", "typescript", "--plan", str(plan), "--out", str(tmp_path / "ft")])]
    assert forced == [0, 1]


def test_an_event_name_too_long_for_a_file_name_is_written_under_a_shorter_one(
        tmp_path: Path) -> None:
    long_a, long_b = "Viewed " + "a" * 400, "Viewed " + "a" * 399 + "b"
    plan = tmp_path / "plan.yaml"
    plan.write_text(BASE + f"events:\n  {long_a}: {{}}\n  {long_b}: {{}}\n", "utf-8")
    assert every_command(plan, tmp_path)[:5] == [0, 0, 0, 0, 0]
    written = sorted(p.name for p in (tmp_path / "c" / "track").iterdir())
    assert len(written) == 2 and all(len(name) <= 120 for name in written)


def test_compile_writes_nothing_when_one_file_cannot_be_written(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(BASE + "events:\n  A: {}\n  B: {}\n", "utf-8")
    out = tmp_path / "out"
    (out / "track" / "b.json").mkdir(parents=True)  # a folder where the second file goes
    result = run(["compile", str(plan), "--out", str(out)])
    no_traceback(result, ["compile"])
    assert result.exit_code == 2 and "folder is in the way" in result.output
    assert not (out / "track" / "a.json").exists()


# -- the class: hostile fragments, combined ------------------------------------------------

HOSTILE_VALUES = [
    ".inf", "-.inf", ".nan", "123456789012345678901234567890", "!!binary aGVsbG8=", "1e400",
    "9" * 4301, "[{type: string}]", "{$ref: '#/$defs/Nope'}", "{$ref: '#'}", "{use: a}",
    "{use: x}", "{}", "null", "'text'", "[1, 2]", "{type: a}", "{type: T}", "-1",
    "{items: [{}]}", "{properties: {a: {}}}",
]
KEYS = ["type", "enum", "minimum", "maximum", "items", "schema", "x-meta", "use", "const",
        "default", "anyOf", "properties", "additionalProperties", "multipleOf"]
fragments_ = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(HOSTILE_VALUES),
                             max_size=3)


def _flow(fragment: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in fragment.items()) + "}"


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(library=fragments_, typed=fragments_, prop=fragments_,
       name=st.sampled_from(["A", "a" * 300, "Ü" * 200, "x/y", "..", "A B"]))
def test_hostile_fragments_never_end_in_a_traceback(tmp_path: Path, library: dict[str, str],
                                                    typed: dict[str, str],
                                                    prop: dict[str, str], name: str) -> None:
    text = (BASE + f"properties:\n  a: {_flow(library)}\n"
            f"types:\n  T: {_flow({'type': 'object', **typed})}\n"
            f"events:\n  '{name}':\n    properties:\n      a: {{}}\n      x: {_flow(prop)}\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    no_traceback(run(["lint", str(plan)]), ["lint", text])
    every_command(plan, tmp_path)


def test_json_pointers_resolve_as_rfc_6901_says() -> None:
    # One walk serves the fast engine, generate's safety check and the plan's raw-schema
    # check (each had its own; the last did not decode %20).
    from protocols.schemarefs import pointer_nodes

    doc = {"$defs": {"a/b": {"type": "string"}, "m~n": [1, {"x": True}], "sp ace": {}}}
    assert pointer_nodes(doc, "") == []
    assert pointer_nodes(doc, "/$defs/a~1b") == [doc["$defs"], {"type": "string"}]
    assert pointer_nodes(doc, "/$defs/m~0n/1/x") == [doc["$defs"], [1, {"x": True}],
                                                     {"x": True}, True]
    assert pointer_nodes(doc, "/$defs/sp%20ace") == [doc["$defs"], {}]
    for missing in ("/$defs/m~0n/2", "/$defs/nope", "/$defs/a/b", "anchor", "/$defs/m~0n/-1"):
        assert pointer_nodes(doc, missing) is None, missing


def _entries_plan(events: int, *, levels: int = 1, fan: int = 8) -> str:
    """A library tree ``levels`` deep of ``fan`` entries each (one level: a product entry
    whose eight fields use other entries), used by ``events`` events."""
    lines = [BASE.rstrip("\n"), "properties:"]
    for level in range(levels):
        lines += [f"  l{level}:", "    type: object", "    properties:"]
        lines += [f"      p{j}: {{use: l{level + 1}}}" for j in range(fan)]
    lines += [f"  l{levels}: {{type: string}}", "events:"]
    for index in range(events):
        lines += [f"  E{index}:", "    properties:", "      l0: {}"]
    return "\n".join(lines) + "\n"


def test_entries_of_entries_in_many_events_load_up_to_the_plan_limit(tmp_path: Path) -> None:
    """Found in review: the limit first counted every nested copy in the plan against 10,000,
    so a product entry of eight entries used by 1,251 events (10,008 copies, 8 a use, loaded
    in 0.12 s) did not load. One use multiplies up to MAX_COPIES_PER_USE; the plan adds up
    to MAX_NESTED_EXPANSIONS."""
    import json

    from protocols.plan.resolve import MAX_COPIES_PER_USE, MAX_NESTED_EXPANSIONS

    def codes(text: str) -> list[str]:
        plan = tmp_path / "plan.yaml"
        plan.write_text(text, "utf-8")
        result = run(["lint", str(plan), "--format", "json"])
        no_traceback(result, ["lint"])
        return [d["code"] for d in json.loads(result.output)["diagnostics"]]

    assert "PL115" not in codes(_entries_plan(1_251))
    # Three levels of twelve: 1,884 copies a use, under the limit of one use...
    assert MAX_COPIES_PER_USE >= 12 + 12 ** 2 + 12 ** 3
    assert "PL115" not in codes(_entries_plan(2, levels=3, fan=12))
    # ... but enough uses of it pass the plan's.
    uses = MAX_NESTED_EXPANSIONS // 1_884 + 1
    assert codes(_entries_plan(uses, levels=3, fan=12)).count("PL115") == 1
