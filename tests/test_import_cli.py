"""The import/export commands: files written, warnings, exit codes, bad input without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.plan import load_plan
from tests.test_import_segment import PUBLIC_API

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def test_import_segment_writes_a_plan_that_loads(tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text(json.dumps(PUBLIC_API), encoding="utf-8")
    out = tmp_path / "plans" / "My Shop.yaml"
    code, stdout, stderr = invoke("import", "segment", str(source), "-o", str(out))
    assert code == 0, stderr
    assert "wrote" in stdout and "2 events, identify, group, 1 pages, 1 screens" in stdout
    assert "warning: event 'Order Completed': kept version 3" in stderr
    text = out.read_text("utf-8")
    assert text.startswith("# Imported from the Segment export export.json")
    assert "# - event 'Order Completed': kept version 3" in text
    plan = load_plan(out)
    assert plan.id == "my-shop"
    # A second run does not overwrite the plan unless asked to.
    code, _, stderr = invoke("import", "segment", str(source), "-o", str(out))
    assert code == 2 and "--force" in stderr
    code, _, _ = invoke("import", "segment", str(source), "-o", str(out), "--force",
                        "--plan-id", "shop")
    assert code == 0 and load_plan(out).id == "shop"


@pytest.mark.parametrize(("content", "message"), [
    ('{"rules": [\n  {"key": "A",}\n]}', "export.json:2:15: invalid JSON"),
    ("[1]", "export.json: a Segment tracking plan export is a JSON object, not an array"),
    ('{"name": "x"}', "export.json: not a Segment tracking plan export"),
    ("\ufeff\x00\x00", "invalid JSON"),
])
def test_bad_segment_exports_are_reported_with_position(tmp_path: Path, content: str,
                                                        message: str) -> None:
    source = tmp_path / "export.json"
    source.write_text(content, encoding="utf-8")
    code, _, stderr = invoke("import", "segment", str(source), "-o", str(tmp_path / "p.yaml"))
    assert code == 1
    assert message in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "p.yaml").exists()


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, stderr = invoke("import", "segment", str(tmp_path / "nope.json"), "-o", "x.yaml")
    assert code == 2 and "no such Segment export file" in stderr
    source = tmp_path / "export.json"
    source.write_text(json.dumps(PUBLIC_API), encoding="utf-8")
    code, _, stderr = invoke("import", "segment", str(source), "-o", str(tmp_path / "a.yaml"),
                             "--plan-id", "Not Valid")
    assert code == 2 and "--plan-id" in stderr


def test_import_jsonschema_and_export_commands(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "Signed Up.json").write_text(json.dumps(
        {"type": "object", "properties": {"plan": {"type": "string"}}}), encoding="utf-8")
    out = tmp_path / "web.yaml"
    code, stdout, stderr = invoke("import", "jsonschema", str(schemas), "-o", str(out))
    assert code == 0, stderr
    assert "1 events" in stdout and "warning" not in stdout
    assert set(load_plan(out).events) == {"Signed Up"}

    exported = tmp_path / "segment.json"
    code, _, _ = invoke("export", "segment", str(out), "-o", str(exported))
    assert code == 0
    rules = json.loads(exported.read_text("utf-8"))["rules"]
    assert [(r["type"], r["key"]) for r in rules] == [("TRACK", "Signed Up")]
    code, stdout, _ = invoke("export", "segment", str(out))
    assert code == 0 and json.loads(stdout)["name"] == "web"

    folder = tmp_path / "js"
    code, stdout, _ = invoke("export", "jsonschema", str(out), "-o", str(folder))
    assert code == 0 and "wrote 1 schemas" in stdout
    assert (folder / "track" / "signed_up.json").exists()


def test_export_of_a_broken_plan_reports_its_errors(tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    plan.write_text("protocols: 1\nplan: x\nevents:\n  A:\n    properties:\n      a: {}\n",
                    encoding="utf-8")
    code, _, stderr = invoke("export", "segment", str(plan))
    assert code == 1 and "bad.yaml:6" in stderr


@pytest.mark.parametrize("command", [["import", "segment"], ["import", "jsonschema"],
                                     ["export", "segment"], ["export", "jsonschema"],
                                     ["infer"]])
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    code, stdout, _ = invoke(*command, "--help")
    assert code == 0
    assert "Examples:" in stdout and f"protocols {' '.join(command)}" in stdout


def _rule(kind: str, key: str | None, props: dict[str, object], version: int = 1
          ) -> dict[str, object]:
    field = "properties" if kind == "TRACK" else "traits"
    return {"type": kind, "key": key, "version": version, "jsonSchema": {
        "type": "object", "properties": {field: {"type": "object", "properties": props}}}}


SEGMENT_ERRORS = {
    "a duplicate key with another value": (
        '{"rules": [{"type": "TRACK", "key": "A", "key": "B", "version": 1, "jsonSchema": {}}]}',
        "1:42: duplicate key 'key' with different values"),
    "a second IDENTIFY rule": (
        json.dumps({"rules": [_rule("IDENTIFY", None, {"a": {"type": "string"}}),
                              _rule("IDENTIFY", "other", {"b": {"type": "string"}})]}),
        "a second IDENTIFY rule"),
    "the same IDENTIFY rule twice at one version": (
        json.dumps({"rules": [_rule("IDENTIFY", None, {"a": {"type": "string"}}),
                              _rule("IDENTIFY", None, {"b": {"type": "string"}})]}),
        "two identify rules with version 1"),
    "a key YAML cannot hold (a lone surrogate)": (
        '{"rules": [{"type": "TRACK", "key": "A\\ud800", "version": 1, "jsonSchema": {}}]}',
        "holds a lone surrogate"),
    "a property key YAML cannot hold": (
        json.dumps({"rules": [_rule("TRACK", "A", {"a\ud800": {"type": "string"}})]}),
        "key 'events'.'A'.'properties'.'a\\ud800' holds a lone surrogate"),
    "nothing importable": (json.dumps({"rules": [1, {"type": "NOPE"}]}), "nothing to plan"),
}


@pytest.mark.parametrize("case", sorted(SEGMENT_ERRORS))
def test_segment_exports_that_cannot_make_a_faithful_plan_are_errors(tmp_path: Path,
                                                                     case: str) -> None:
    text, message = SEGMENT_ERRORS[case]
    source = tmp_path / "export.json"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", "segment", str(source), "--out", str(out))
    assert code == 1, stderr
    assert message in stderr, stderr
    assert not out.exists()


def test_odd_keys_that_yaml_can_hold_read_back_unchanged(tmp_path: Path) -> None:
    odd = ["<<", "A\x00B", "A\x85B", "\ufeffA", "x" * 2000, "yes", "null", "1.0", "- a", "#"]
    source = tmp_path / "export.json"
    source.write_text(json.dumps({"rules": [
        _rule("TRACK", name, {name: {"type": "string"}}) for name in odd]}), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", "segment", str(source), "--out", str(out))
    assert code == 0, stderr
    plan = load_plan(out)
    assert set(plan.events) == set(odd)
    for name in odd:
        assert list(plan.events[name].schema["properties"]) == [name]


@pytest.mark.parametrize("depth", [80, 900, 100_000])
def test_deeply_nested_json_is_refused_with_its_position(tmp_path: Path, depth: int) -> None:
    """A raw keyword or an enum value nested 900 deep passed the JSON reader and ended in a
    RecursionError traceback while the plan was written; 80 deep (past what a plan holds)
    must be refused too, not written."""
    nested = "[" * depth + "]" * depth
    schema = ('{"$schema": "http://json-schema.org/draft-07/schema#", "title": "Deep", '
              '"type": "object", "properties": {"a": {"type": "array", "enum": [' + nested
              + ']}, "b": {"x-raw": ' + nested + '}}}')
    source = tmp_path / "deep.json"
    source.write_text(schema, encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", "jsonschema", str(source), "-o", str(out))
    assert code == 1, stderr
    assert not out.exists()
    if depth == 80:
        assert "nesting deeper than 64 levels" in stderr
    elif depth == 900:
        # the enum's own bracket opens level 4 (root, properties, a): level 101 is 97 on
        column = schema.index("[" * 100) + 97 + 1
        assert f"deep.json:1:{column}: JSON nested more than 100 levels deep" in stderr
    else:
        assert "JSON is nested too deeply to read" in stderr


def test_references_in_annotations_are_never_written_into_the_plan(tmp_path: Path) -> None:
    """An `x-` annotation holding a `$ref` to another document was copied as it was: the plan
    was written, then refused by the loader (PL114: "does not load; please report this")."""
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Ev",
              "type": "object", "properties": {
                  "h": {"type": "string", "x-raw": {"$ref": "http://127.0.0.1:9/w.json",
                                                    "keep": {"$ref": "file:///etc/passwd"}}}}}
    source = tmp_path / "ev.json"
    source.write_text(json.dumps(schema), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", "jsonschema", str(source), "-o", str(out))
    assert code == 0, stderr
    assert "`$ref` 'http://127.0.0.1:9/w.json' points outside" in stderr
    assert "`$ref` 'file:///etc/passwd' points outside" in stderr
    assert load_plan(out).events["Ev"] is not None
    # Segment's message-level rules, kept under `x-segment-message`, the same way.
    export = {"tracking_plan": {"display_name": "x", "rules": {"events": [{
        "name": "Ev", "version": 1, "rules": {
            "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {"context": {"$ref": "http://127.0.0.1:9/ctx.json"},
                           "properties": {"type": "object"}}}}]}}}
    source = tmp_path / "export.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    out = tmp_path / "segment.yaml"
    code, _, stderr = invoke("import", "segment", str(source), "-o", str(out))
    assert code == 0, stderr
    assert "`$ref` 'http://127.0.0.1:9/ctx.json' points outside" in stderr
    assert load_plan(out).events["Ev"] is not None


def test_a_plan_holding_an_external_reference_is_not_written() -> None:
    from protocols.interop import dump_plan
    from protocols.interop.yamlout import round_trip_problem

    data = {"protocols": 1, "plan": "p", "events": {"E": {"properties": {"a": {
        "type": "string", "x-note": {"$ref": "file:///etc/passwd"}}}}}}
    problem = round_trip_problem(data, dump_plan(data))
    assert problem is not None and "reference to another document" in problem


def test_finding_where_json_nests_too_deep_holds_little_memory() -> None:
    """The bracket that nests too deep was found with a regular expression of a JSON string
    that repeated a group for each character, about 120 bytes of state a character: a 50 MB
    string (a file may be 64 MiB) took 6 GB and 14 s."""
    import tracemalloc

    from protocols.interop.jsonio import _too_deep_at

    nested = "[" * 101 + "]" * 101
    text = ('{"a": "' + "x" * 2_000_000 + '\\\\", "b": "\\"[' + "\\\\\\\"" * 500_000
            + '", "c": ' + nested + "}")
    json.loads(text)  # (valid JSON: the escapes above are \\ \" and \\\")
    tracemalloc.start()
    try:
        found = _too_deep_at(text, 100)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # (the root object is level 1: level 101 is the 100th bracket of `c`)
    assert found == (1, text.index(nested) + 100)
    assert peak < 6 * len(text), f"{peak / 2**20:.0f} MiB for {len(text) / 2**20:.0f} MiB"


def test_finding_a_bad_number_after_a_long_string_holds_little_memory() -> None:
    # The same per-character regular expression placed a number no plan can hold.
    import tracemalloc

    from protocols.interop.jsonio import _bad_number_at

    text = ('{"a": "' + "x" * 2_000_000 + '\\\\", "b": "\\"1e400' + "\\\\\\\"" * 500_000
            + '", "c": [1, 1e400]}')
    tracemalloc.start()
    try:
        found = _bad_number_at(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == (1, text.rindex("1e400") + 1)  # (not the 1e400 inside a string)
    assert peak < 6 * len(text), f"{peak / 2**20:.0f} MiB for {len(text) / 2**20:.0f} MiB"


def test_a_key_written_a_million_times_is_placed_without_listing_every_one() -> None:
    """Where a duplicated key is written again was found by listing every place it is
    written: a 36 MB object of one key written 6 million times took 12 s and 950 MB."""
    import tracemalloc

    from protocols.interop.jsonio import _second_occurrence

    text = "{" + ",".join(f'"a": {i % 10}' for i in range(200_000)) + "}"
    tracemalloc.start()
    try:
        found = _second_occurrence(text, "a")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == (1, len('{"a": 0,') + 1)
    assert peak < 1_000_000, f"{peak / 2**20:.0f} MiB"


BAD_NUMBERS = {
    "1e400": "the number 1e400 is beyond what a plan can hold",
    "-1e400": "the number -1e400 is beyond what a plan can hold",
    "1E+400": "the number 1E+400 is beyond what a plan can hold",
    "2e99999999999999999999": "the number 2e99999999999999999999 is beyond",
    "9" * 400 + ".5": "(402 characters) is beyond what a plan can hold",
    "1e-400": "the number 1e-400 is too close to 0 for a plan to hold: it would be read as 0",
    "-2.5E-999": "the number -2.5E-999 is too close to 0",
    "9" * 5000: "the integer 99999999999999999999... has 5000 digits; at most 4300 are read",
    "-" + "1" * 4400: "has 4400 digits; at most 4300 are read",
    "NaN": "invalid JSON: NaN is not a JSON number",
    "Infinity": "invalid JSON: Infinity is not a JSON number",
    "-Infinity": "invalid JSON: -Infinity is not a JSON number",
}


def _numbered(fmt: str, number: str) -> str:
    """An input of ``fmt`` holding ``number`` on its third line, after the same text in a
    string (which is no number)."""
    schema = ('{"type": "object", "description": "' + number + '",\n'
              ' "properties": {"n": {"type": "number",\n "maximum": ' + number + '}}}')
    if fmt == "jsonschema":
        return '{"title": "Order Completed", ' + schema[1:]
    return ('{"rules": [{"type": "TRACK", "key": "Order Completed", "version": 1, '
            '"jsonSchema": {"properties": {"properties": ' + schema + '}}}]}')


@pytest.mark.parametrize("fmt", ["jsonschema", "segment"])
@pytest.mark.parametrize("number", sorted(BAD_NUMBERS))
def test_numbers_no_plan_can_hold_are_refused_at_their_position(tmp_path: Path, fmt: str,
                                                                number: str) -> None:
    """``1e400`` was read as infinity and refused against the *output plan's* line (the
    YAML writer's check); an integer of 5,000 digits was an error with no position; NaN and
    Infinity too. Each is now an error at the input's line and column, and nothing is
    written."""
    source = tmp_path / "input.json"
    source.write_text(_numbered(fmt, number), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", fmt, str(source), "-o", str(out))
    assert code == 1, stderr
    assert "input.json:3:13: " in stderr and BAD_NUMBERS[number] in stderr, stderr
    assert "Traceback" not in stderr and "plan.yaml" not in stderr
    assert not out.exists()


@pytest.mark.parametrize("number", ["0e-400", "-0.0", "5e-324", "1.7976931348623157e308",
                                    "9" * 4000])
def test_numbers_at_the_edges_are_imported(tmp_path: Path, number: str) -> None:
    source = tmp_path / "input.json"
    source.write_text(_numbered("jsonschema", number), encoding="utf-8")
    out = tmp_path / "plan.yaml"
    code, _, stderr = invoke("import", "jsonschema", str(source), "-o", str(out))
    assert code == 0, stderr
    maximum = load_plan(out).events["Order Completed"].schema["properties"]["n"]["maximum"]
    assert maximum == json.loads(number)
