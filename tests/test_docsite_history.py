"""The docs site's changelog, from a real git repository made in a temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from protocols.docsite import build_files, collect_site
from protocols.docsite.history import read_history
from protocols.plan import load_plan
from tests.test_diff_git import git, no_global_git_config, write  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

V1 = """\
protocols: 1
plan: shop
version: "1.0.0"
imports: [lib.yaml]
events:
  Order Completed:
    properties:
      total: {type: number}
      currency: {}
  Order Refunded:
    properties:
      amount: {type: number}
"""
LIB = """\
protocols: 1
library: common
properties:
  currency: {type: string, enum: [USD, EUR]}
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path / "plans" / "shop.yaml", V1)
    write(tmp_path / "plans" / "lib.yaml", LIB)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "first plan")
    # 1.1.0: a property added (non-breaking), in two commits.
    write(tmp_path / "plans" / "shop.yaml", V1.replace('"1.0.0"', '"1.1.0"').replace(
        "amount: {type: number}", "amount: {type: number}\n      reason: {type: string}"))
    git(tmp_path, "commit", "-q", "-am", "refund reason")
    write(tmp_path / "README.md", "unrelated\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "not about the plan")
    # 2.0.0: an event removed (breaking) and a value removed in the library (breaking).
    text = (tmp_path / "plans" / "shop.yaml").read_text("utf-8")
    write(tmp_path / "plans" / "shop.yaml", text.replace('"1.1.0"', '"2.0.0"').split(
        "  Order Refunded:")[0])
    write(tmp_path / "plans" / "lib.yaml", LIB.replace("[USD, EUR]", "[USD]"))
    git(tmp_path, "commit", "-q", "-am", "drop refunds")
    return tmp_path


def test_each_version_with_its_changes_and_levels(repo: Path) -> None:
    history, note = read_history(load_plan(repo / "plans" / "shop.yaml"))
    assert note == "" and history is not None
    assert [v.version for v in history.versions] == ["2.0.0", "1.1.0", "1.0.0"]
    newest, middle, oldest = history.versions
    assert oldest.first and oldest.changes == () and oldest.subject == "first plan"
    assert [(c.rule, c.level) for c in middle.changes] == [("property-added-optional", "non-breaking")]
    assert middle.subject == "refund reason" and len(middle.commit) == 7
    assert {(c.rule, c.level) for c in newest.changes} == {
        ("event-removed", "breaking"), ("enum-value-removed", "breaking")}
    assert newest.count("breaking") == 2 and history.commits_read == 3


def test_uncommitted_changes_are_the_newest_entry(repo: Path) -> None:
    path = repo / "plans" / "shop.yaml"
    path.write_text(path.read_text("utf-8").replace('"2.0.0"', '"2.1.0"').replace(
        "total: {type: number}", "total: {type: number}\n      tax: {type: number}"), "utf-8")
    history, _ = read_history(load_plan(path))
    assert history is not None
    assert history.versions[0].version == "2.1.0" and history.versions[0].commit == ""
    assert [c.rule for c in history.versions[0].changes] == ["property-added-optional"]


def test_changelog_page_shows_levels(repo: Path) -> None:
    site = collect_site([load_plan(repo / "plans" / "shop.yaml")], tool_version="x")
    page = build_files(site, "html")["shop/changelog.html"]
    assert '<span class="badge breaking">2 breaking</span>' in page
    assert "event-removed" in page and "refund reason" in page
    markdown = build_files(site, "markdown")["shop/changelog.md"]
    assert "## 2.0.0" in markdown and "| breaking |" in markdown
    assert collect_site([load_plan(repo / "plans" / "shop.yaml")], tool_version="x") == site


def test_outside_git_there_is_no_history(tmp_path: Path) -> None:
    write(tmp_path / "shop.yaml", V1.replace("imports: [lib.yaml]\n", "").replace(
        "currency: {}", "currency: {type: string}"))
    history, note = read_history(load_plan(tmp_path / "shop.yaml"))
    assert history is None and "not inside a git repository" in note


def test_the_changelog_of_a_plan_with_deeply_nested_types_is_quick(tmp_path: Path) -> None:
    """Found by review: with each named type listed once, the changelog was what never
    ended for ten properties of the next type nine levels deep, as diff compared the
    unchanged types again at each use (10**9 of them) for each version."""
    import time

    from tests.test_diff_cases import deep_chain

    git(tmp_path, "init", "-q", "-b", "main")
    text = 'version: "1.0.0"\n' + deep_chain(9, 10)
    write(tmp_path / "plan.yaml", text)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "deep")
    write(tmp_path / "plan.yaml", text.replace('"1.0.0"', '"1.1.0"').replace(
        "n: {type: integer}", "n: {type: integer}\n      m: {type: string}"))
    git(tmp_path, "commit", "-q", "-am", "m")
    start = time.monotonic()
    site = collect_site([load_plan(tmp_path / "plan.yaml")], tool_version="x")
    build_files(site, "html")
    assert time.monotonic() - start < 10
    history = site.plans[0].history
    assert history is not None and [v.version for v in history.versions] == ["1.1.0", "1.0.0"]
    assert [c.rule for c in history.versions[0].changes] == ["property-added-optional"]
