"""The scan fixture apps, one per language (tests/scan/apps/<language>): every call form
(raw SDK calls of each kind, the generated client where one exists, configured wrappers,
constants of the same file and of another file, enum members, templates that cannot be
resolved, calls in comments and strings that must not count) with the findings and sends
written next to the code as markers:

- ``expect: PS203 PS101`` on a line: exactly these codes are reported on that line;
- ``sends: Order Completed`` on a line: coverage lists a call on that line for that message
  (an unplanned event is listed under its own name).

The scan must report exactly the markers: nothing more, nothing less.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from protocols.plan import load_plan
from protocols.scan import run_scan
from protocols.scan.languages import language_of
from protocols.scan.settings import from_config
from tests.conftest import REPO

APPS = REPO / "tests" / "scan" / "apps"
PLAN = load_plan(REPO / "tests" / "scan" / "plan.yaml")
SETTINGS = from_config(tomllib.loads((APPS / ".protocols.toml").read_text("utf-8"))["scan"],
                       ".protocols.toml")
LANGUAGES = sorted(p.name for p in APPS.iterdir() if p.is_dir())
_EXPECT = re.compile(r"expect:((?:\s+PS\d{3})+)")
_SENDS = re.compile(r"sends:\s*(.+?)(?:\s*\*/|\s{2,}|\s*$|\s+expect:)")


def markers(root: Path) -> tuple[Counter[tuple[str, int, str]], set[tuple[str, str, int]]]:
    expected: Counter[tuple[str, int, str]] = Counter()
    sends: set[tuple[str, str, int]] = set()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or language_of(path.name) is None:
            continue
        shown = path.relative_to(REPO).as_posix()
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            found = _EXPECT.search(line)
            if found:
                for code in found.group(1).split():
                    expected[(shown, number, code)] += 1
            for sent in _SENDS.finditer(line):
                sends.add((sent.group(1).strip(), shown, number))
    return expected, sends


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_there_is_an_app_per_language() -> None:
    assert LANGUAGES == ["go", "java", "javascript", "kotlin", "python", "swift", "typescript"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_app_findings_and_coverage_are_exactly_the_markers(language: str) -> None:
    root = APPS / language
    result = run_scan(PLAN, [root.relative_to(REPO).as_posix()], SETTINGS)
    expected, sends = markers(root)
    assert expected, "the app has no markers"
    found = Counter((d.file or "", d.line or 0, d.code) for d in result.diagnostics)
    assert found == expected, "\n".join(f"{d.file}:{d.line}:{d.column} {d.code} {d.message}"
                                        for d in result.diagnostics)
    sent = {(entry["event"], site["file"], site["line"])
            for entry in [*result.extra["coverage"], *result.extra["unplanned_events"]]
            for site in entry["sent_at"]}
    misspelled = {(entry["event"], site["file"], site["line"])
                  for entry in result.extra["coverage"] for site in entry["misspelled_at"]}
    assert sent | misspelled == sends
    forms = result.summary["by_form"]
    assert forms.get("sdk", 0) > 0 and forms.get("wrapper", 0) > 0, forms
    assert result.summary["unreadable"] == 0
    assert not result.extra["skipped_files"] or all(
        "scanned language" in s["reason"] for s in result.extra["skipped_files"])


def test_every_code_but_the_unreadable_ones_is_shown_by_an_app() -> None:
    from protocols.scan.codes import CODES

    shown: set[str] = set()
    for language in LANGUAGES:
        shown |= {code for _, _, code in markers(APPS / language)[0]}
    assert set(CODES) - shown == {"PS001", "PS002", "PS003", "PS004", "PS005", "PS206", "PS301"}


def test_the_apps_scanned_together_resolve_nothing_across_languages() -> None:
    # Constants are shared inside a language family only: a Kotlin app cannot lend its
    # names to the Go app. Scanning all apps at once gives each app's own findings.
    together = run_scan(PLAN, ["tests/scan/apps"], SETTINGS)
    apart: Counter[tuple[str | None, int | None, str]] = Counter()
    for language in LANGUAGES:
        result = run_scan(PLAN, [f"tests/scan/apps/{language}"], SETTINGS)
        apart.update((d.file, d.line, d.code) for d in result.diagnostics if d.code != "PS301")
    assert Counter((d.file, d.line, d.code) for d in together.diagnostics
                   if d.code != "PS301") == apart
