"""tests/fetch_fixtures.sh: the public fixtures, fetched at the commits the fixtures were taken at."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests import conftest
from tests.conftest import REPO

SCRIPT = REPO / "tests" / "fetch_fixtures.sh"


def test_the_script_is_valid_bash() -> None:
    assert subprocess.run(["bash", "-n", str(SCRIPT)], check=False).returncode == 0


def test_it_pins_the_commits_the_shared_fixtures_name() -> None:
    readme = conftest.shared_fixture("README.md").read_text("utf-8")
    script = SCRIPT.read_text("utf-8")
    pinned = re.findall(r"^fetch (\S+) (\S+/\S+)\s+\\?\s*([0-9a-f]{40})", script, re.M)
    assert {folder for folder, _, _ in pinned} == {
        "segment-typewriter", "json-schema-test-suite", "iglu-central"}
    for folder, repo, commit in pinned:
        assert f"`{folder}/" in readme
        assert f"{repo}" in readme or repo.split("/")[1] in readme, repo
        assert commit[:8] in readme, (folder, commit)


def test_a_missing_fixture_skips_naming_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "FIXTURES", REPO / "no-such-fixtures")
    with pytest.raises(pytest.skip.Exception) as skipped:
        conftest.shared_fixture("iglu-central", "schemas")
    reason = str(skipped.value)
    assert str(REPO / "no-such-fixtures" / "iglu-central") in reason
    assert "tests/fetch_fixtures.sh" in reason
