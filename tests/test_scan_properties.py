"""Property: for random plans and random call sites in every language, scan finds exactly
the calls written, each under the name it was given (as a literal, a constant of the same
file, or a constant imported from another file), and nothing else."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.naming import collision_key
from protocols.plan import load_plan
from protocols.scan import ScanSettings, run_scan

# Names with the characters that break naive scanners: quotes, backslashes, template
# markers ($, {, %), non-ASCII letters and symbols.
ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 _-.'\"\\${}%é☕ß"))
NAMES = st.text(ALPHABET, min_size=1, max_size=24).filter(lambda s: s.strip() != "")
FORMS = st.sampled_from(["literal", "constant", "imported"])
LANGUAGES = ["python", "typescript", "javascript", "kotlin", "java", "swift", "go"]


def py_str(text: str) -> str:
    return json.dumps(text)


def kt_str(text: str) -> str:
    return json.dumps(text).replace("$", "\\$")


def swift_str(text: str) -> str:
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20:
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def go_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# Per language: (file of the calls, file of the imported constants, how to write each).
def python_files(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
    main = ["import segment.analytics as analytics", "from app.names import *", ""]
    names: list[str] = []
    lines: list[str] = []
    for index, (name, form) in enumerate(calls):
        if form == "literal":
            lines.append(f"analytics.track('u1', {py_str(name)}, {{}})")
        elif form == "constant":
            main.append(f"C{index} = {py_str(name)}")
            lines.append(f"analytics.track('u1', C{index})")
        else:
            names.append(f"I{index} = {py_str(name)}")
            lines.append(f"analytics.track('u1', I{index})")
    return {"app/main.py": [*main, "", *lines], "app/names.py": names,
            "app/__init__.py": []}


def js_files(ext: str) -> Callable[[list[tuple[str, str]]], dict[str, list[str]]]:
    def build(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
        main = ['import * as names from "./names";', ""]
        names: list[str] = []
        lines: list[str] = []
        for index, (name, form) in enumerate(calls):
            if form == "literal":
                lines.append(f"analytics.track({json.dumps(name)}, {{ a: 1 }});")
            elif form == "constant":
                main.append(f"const C{index} = {json.dumps(name)};")
                lines.append(f"analytics.track(C{index});")
            else:
                names.append(f"export const I{index} = {json.dumps(name)};")
                lines.append(f"analytics.track(names.I{index});")
        return {f"web/main.{ext}": [*main, "", *lines], f"web/names.{ext}": names}
    return build


def kotlin_files(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
    main = ["package shop", ""]
    names = ["package shop", "", "object KNames {"]
    lines = ["fun send(analytics: Analytics) {"]
    for index, (name, form) in enumerate(calls):
        if form == "literal":
            lines.append(f"    analytics.track({kt_str(name)})")
        elif form == "constant":
            main.append(f"const val C{index} = {kt_str(name)}")
            lines.append(f"    analytics.track(C{index})")
        else:
            names.append(f"    const val I{index} = {kt_str(name)}")
            lines.append(f"    analytics.track(KNames.I{index})")
    return {"android/Main.kt": [*main, "", *lines, "}"], "android/Names.kt": [*names, "}"]}


def java_files(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
    head = ["package shop;", "", "class Main {"]
    names = ["package shop;", "", "final class Names {"]
    lines = ["  void send(Analytics analytics) {"]
    for index, (name, form) in enumerate(calls):
        if form == "literal":
            lines.append(f"    analytics.enqueue(TrackMessage.builder({json.dumps(name)}));")
        elif form == "constant":
            head.append(f"  static final String C{index} = {json.dumps(name)};")
            lines.append(f"    analytics.enqueue(TrackMessage.builder(C{index}));")
        else:
            names.append(f"  static final String I{index} = {json.dumps(name)};")
            lines.append(f"    analytics.enqueue(TrackMessage.builder(Names.I{index}));")
    return {"server/Main.java": [*head, *lines, "  }", "}"], "server/Names.java": [*names, "}"]}


def swift_files(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
    main: list[str] = []
    names = ["struct Names {"]
    lines = ["func send(analytics: Analytics) {"]
    for index, (name, form) in enumerate(calls):
        if form == "literal":
            lines.append(f"    analytics.track(name: {swift_str(name)})")
        elif form == "constant":
            main.append(f"let c{index} = {swift_str(name)}")
            lines.append(f"    analytics.track(name: c{index})")
        else:
            names.append(f"    static let i{index} = {swift_str(name)}")
            lines.append(f"    analytics.track(name: Names.i{index})")
    return {"ios/Main.swift": [*main, *lines, "}"], "ios/Names.swift": [*names, "}"]}


def go_files(calls: list[tuple[str, str]]) -> dict[str, list[str]]:
    main = ["package main", "", 'import (', '\tanalytics "github.com/segmentio/analytics-go/v3"',
            '\t"example.com/shop/names"', ")", ""]
    names = ["package names", ""]
    lines = ["func send(c analytics.Client) {"]
    for index, (name, form) in enumerate(calls):
        if form == "literal":
            lines.append(f"\tc.Enqueue(analytics.Track{{Event: {go_str(name)}}})")
        elif form == "constant":
            main.append(f"const c{index} = {go_str(name)}")
            lines.append(f"\tc.Enqueue(analytics.Track{{Event: c{index}}})")
        else:
            names.append(f"const I{index} = {go_str(name)}")
            lines.append(f"\tc.Enqueue(analytics.Track{{Event: names.I{index}}})")
    return {"go/main/main.go": [*main, "", *lines, "}"], "go/names/names.go": names}


WRITERS = {"python": python_files, "typescript": js_files("ts"), "javascript": js_files("jsx"),
           "kotlin": kotlin_files, "java": java_files, "swift": swift_files, "go": go_files}


@st.composite
def scenario(draw: st.DrawFn) -> tuple[list[str], dict[str, list[tuple[str, str]]]]:
    planned = draw(st.lists(NAMES, min_size=1, max_size=6, unique_by=collision_key))
    keys = {collision_key(n) for n in planned}
    unplanned = draw(st.lists(NAMES.filter(lambda n: collision_key(n) not in keys),
                              max_size=3))
    pool = planned + unplanned
    calls = {language: draw(st.lists(st.tuples(st.sampled_from(pool), FORMS), max_size=5))
             for language in LANGUAGES}
    return planned, calls


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario())
def test_scan_finds_exactly_the_calls_written(case: tuple[list[str], dict[str, list[tuple[str, str]]]]) -> None:
    planned, calls = case
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        plan_text = "protocols: 1\nplan: random\nevents:\n" + "".join(
            f"  {json.dumps(name)}: {{description: d}}\n" for name in planned)
        (root / "plan.yaml").write_text(plan_text, "utf-8")
        plan = load_plan(root / "plan.yaml")
        assert sorted(plan.events) == sorted(planned)
        expected: set[tuple[str, int, str]] = set()
        for language, sites in calls.items():
            for relative, lines in WRITERS[language](sites).items():
                path = root / "src" / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("\n".join(lines) + "\n", "utf-8")
                calls_in_file = iter(sites)
                for number, line in enumerate(lines, start=1):
                    if "track(" in line or "TrackMessage.builder(" in line or "Track{" in line:
                        name, _ = next(calls_in_file)
                        expected.add((str(path), number, name))
        result = run_scan(plan, [str(root / "src")], ScanSettings())
        found = {(site["file"], site["line"], entry["event"])
                 for entry in [*result.extra["coverage"], *result.extra["unplanned_events"]]
                 for site in entry["sent_at"]}
        assert found == expected
        assert not [d for d in result.diagnostics if d.code in ("PS101", "PS001", "PS003")], [
            (d.file, d.line, d.message) for d in result.diagnostics]
