"""``protocols diff`` against real git repositories made in temporary folders.

Commits, tags, branches, the merge-base default, plans added and removed, libraries read at
the same ref, and a shallow clone that lacks the ref until it is fetched.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols.cli import app

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PLAN_V1 = """\
protocols: 1
plan: shop
version: "1.0.0"
imports: [lib/common.yaml]
events:
  Order Completed:
    properties:
      total: {type: number, required: true}
      currency: {}
  Order Refunded:
    properties:
      amount: {type: number}
"""
LIBRARY_V1 = """\
protocols: 1
library: common
properties:
  currency: {type: string, enum: [USD, EUR]}
"""


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                             "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
                            cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


@pytest.fixture(autouse=True)
def no_global_git_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main: the v1 plan (tagged v1.0.0); the working tree is where each test edits."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "plans" / "shop.yaml", PLAN_V1)
    write(root / "plans" / "lib" / "common.yaml", LIBRARY_V1)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "plan v1")
    git(root, "tag", "v1.0.0")
    monkeypatch.chdir(root)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["diff", *args], catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, ["diff", *args, "--format", "json"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def ids(document: dict) -> list[str]:  # type: ignore[type-arg]
    return sorted(d["name"] for d in document["diagnostics"])


def test_no_changes_against_main_exits_0(repo: Path) -> None:
    code, output = run("plans/shop.yaml", "--against", "main")
    assert code == 0, output
    assert "No changes against main." in output


def test_breaking_change_against_a_branch_a_tag_and_a_commit(repo: Path) -> None:
    sha = git(repo, "rev-parse", "HEAD")
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace("  Order Refunded:\n    properties:\n"
                                                        "      amount: {type: number}\n", ""))
    for ref in ("main", "v1.0.0", sha, sha[:10]):
        code, document = run_json("plans/shop.yaml", "--against", ref)
        assert code == 1
        assert ids(document) == ["event-removed", "version-not-bumped"]
        assert document["summary"]["against"] == ref
        assert document["version"]["plans/shop.yaml"]["required_version"] == "2.0.0"
        removed = next(c for c in document["changes"] if c["id"] == "event-removed")
        assert removed["old"] == {"file": f"{ref}:plans/shop.yaml", "line": 10, "column": 3}
        assert removed["new"]["file"] == "plans/shop.yaml"


def test_imported_library_is_read_at_the_same_ref(repo: Path) -> None:
    # Only the library changes in the working tree: the plan file itself is untouched.
    write(repo / "plans" / "lib" / "common.yaml", LIBRARY_V1.replace("[USD, EUR]", "[USD]"))
    code, document = run_json("plans/shop.yaml", "--against", "main")
    assert code == 1
    assert ids(document) == ["enum-value-removed", "version-not-bumped"]


def test_default_is_the_merge_base_with_main(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace('"1.0.0"', '"1.1.0"')
          + "  Order Shipped: {}\n")
    git(repo, "commit", "-q", "-am", "add an event")
    base = git(repo, "rev-parse", "main")
    # main moves on after the branch point: its later commits must not show in the diff.
    git(repo, "checkout", "-q", "main")
    write(repo / "plans" / "shop.yaml", PLAN_V1 + "  Cart Viewed: {}\n")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "feature")
    code, document = run_json("plans/shop.yaml")
    assert code == 0
    assert [c["id"] for c in document["changes"]] == ["event-added"]
    assert document["summary"]["commit"] == base
    assert document["summary"]["against"] == f"{base[:12]} (merge-base with main)"
    assert document["version"]["plans/shop.yaml"]["ok"] is True


def test_every_plan_reports_plans_added_and_removed(repo: Path) -> None:
    write(repo / "plans" / "web.yaml", "protocols: 1\nplan: web\nevents:\n  Signed In: {}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "web plan")
    (repo / "plans" / "web.yaml").unlink()
    write(repo / "plans" / "mobile.yaml", "protocols: 1\nplan: mobile\nevents:\n  Opened: {}\n")
    code, document = run_json("--against", "main")
    assert code == 1
    assert ids(document) == ["plan-added", "plan-removed"]
    assert run_json("plans", "--against", "main")[1]["diagnostics"] == document["diagnostics"]
    assert document["summary"]["files"] == 3  # mobile, shop, web: the library is not a plan
    added = next(d for d in document["diagnostics"] if d["name"] == "plan-added")
    assert (added["file"], added["line"]) == ("plans/mobile.yaml", 2)


def test_broken_new_version_is_a_usage_error_with_its_position(repo: Path) -> None:
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace(
        "      amount: {type: number}\n", "      amount: {type: number}\n      reason: {}\n"))
    code, output = run("plans/shop.yaml", "--against", "main")
    assert code == 2
    assert "plans/shop.yaml:13:7" in output and "protocols lint" in output


def test_accepted_changes_are_silenced_and_counted(repo: Path) -> None:
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace('"1.0.0"', '"2.0.0"').replace(
        "  Order Refunded:\n    properties:\n      amount: {type: number}\n", ""))
    write(repo / ".protocols-accepted.yaml",
          "- rule: event-removed\n  event: Order Refunded\n  reason: retired in 2.0\n")
    code, document = run_json("plans/shop.yaml", "--against", "main")
    assert code == 0
    assert document["diagnostics"] == []
    assert document["summary"]["accepted"] == 1
    assert document["changes"][0]["accepted"] == "retired in 2.0"


def test_plan_removed_from_the_working_tree(repo: Path) -> None:
    (repo / "plans" / "shop.yaml").unlink()
    code, document = run_json("plans/shop.yaml", "--against", "main")
    assert code == 1
    assert ids(document) == ["plan-removed"]


def test_unknown_ref_is_a_usage_error(repo: Path) -> None:
    code, output = run("plans/shop.yaml", "--against", "nope")
    assert code == 2
    assert "'nope'" in output and "git fetch origin nope:nope" in output


def test_outside_a_repository_is_a_usage_error(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "plain"
    write(folder / "plans" / "shop.yaml", PLAN_V1)
    monkeypatch.chdir(folder)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, output = run("plans/shop.yaml", "--against", "main")
    assert code == 2
    assert "not inside a git repository" in output


def test_broken_old_version_is_a_usage_error_with_its_position(repo: Path) -> None:
    write(repo / "plans" / "shop.yaml", "protocols: 1\nplan: shop\nevents:\n  A: {\n")
    git(repo, "commit", "-q", "-am", "broken")
    write(repo / "plans" / "shop.yaml", PLAN_V1)
    code, output = run("plans/shop.yaml", "--against", "HEAD")
    assert code == 2
    assert "HEAD:plans/shop.yaml:5:1" in output


def test_shallow_clone_says_what_to_fetch_then_works(repo: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace('"1.0.0"', '"1.1.0"')
          + "  Order Shipped: {}\n")
    git(repo, "commit", "-q", "-am", "v1.1")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-tags", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    code, output = run("plans/shop.yaml", "--against", "v1.0.0")
    assert code == 2
    assert "shallow" in output
    fetch = "git fetch origin v1.0.0:v1.0.0"
    assert f"`{fetch}`" in output
    git(clone, *fetch.split()[1:])
    code, document = run_json("plans/shop.yaml", "--against", "v1.0.0")
    assert code == 0
    assert [c["id"] for c in document["changes"]] == ["event-added"]


def test_shallow_clone_missing_remote_branch(repo: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "checkout", "-q", "-b", "release")
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace("      amount: {type: number}\n",
                                                        "      amount: {type: integer}\n"))
    git(repo, "commit", "-q", "-am", "release branch")
    git(repo, "checkout", "-q", "main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    code, output = run("plans/shop.yaml", "--against", "origin/release")
    assert code == 2
    fetch = "git fetch origin release:refs/remotes/origin/release"
    assert f"`{fetch}`" in output
    git(clone, *fetch.split()[1:])
    code, document = run_json("plans/shop.yaml", "--against", "origin/release")
    # The working tree (main) has number where release has integer: widened for consumers.
    assert code == 1
    assert ids(document) == ["type-widened", "version-not-bumped"]


def test_shallow_clone_without_the_merge_base_says_unshallow(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    for step in range(2):
        write(repo / "plans" / "shop.yaml", PLAN_V1 + f"  Step {step}: {{}}\n")
        git(repo, "commit", "-q", "-am", f"step {step}")
    git(repo, "checkout", "-q", "main")
    write(repo / "README.md", "moved on\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "main moves on")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", "--branch", "feature",
        f"file://{repo}", str(clone))
    monkeypatch.chdir(clone)
    code, output = run("plans/shop.yaml")
    assert code == 2
    assert "git fetch --unshallow" in output
    git(clone, "fetch", "-q", "--unshallow")
    code, document = run_json("plans/shop.yaml")
    assert [c["id"] for c in document["changes"]] == ["event-added"]


def test_an_import_outside_the_repository_is_a_positioned_error(repo: Path) -> None:
    write(repo / "plans" / "shop.yaml", PLAN_V1.replace("[lib/common.yaml]", "[../../x.yaml]"))
    git(repo, "commit", "-q", "-am", "import from outside")
    write(repo / "plans" / "shop.yaml", PLAN_V1)
    code, output = run("plans/shop.yaml", "--against", "HEAD")
    assert code == 2
    assert "HEAD:plans/shop.yaml:4:11" in output and "does not exist at HEAD" in output


def test_without_git_on_path_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo / "no-bin"))
    code, output = run("plans/shop.yaml", "--against", "main")
    assert code == 2
    assert "git is not installed" in output
