"""The plan's changelog, from git: each version it had and what changed, by breaking level.

Reads the commits that touched the plan file (or a library it imports), loads the plan at
each one the way ``protocols diff`` does (imports read at the same commit), and compares the
last commit of each version with the last of the version before, with the ``diff`` core. An
uncommitted change in the working tree is the newest entry. At most :data:`MAX_COMMITS`
commits are read (the page says so when there are more), each through ``git`` with a timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from protocols.diff.compare import diff_plans
from protocols.diff.git import GitError, Repository
from protocols.diff.run import DiffUsageError, GitPlanReader, change_dict
from protocols.docsite.model import ChangeDoc, History, VersionDoc
from protocols.plan.model import Plan

MAX_COMMITS = 100
LEVEL_ORDER = {"breaking": 0, "possibly-breaking": 1, "non-breaking": 2}
NO_VERSION = "(no version)"


@dataclass(frozen=True)
class _Snapshot:
    plan: Plan
    version: str
    commit: str
    date: str
    subject: str


def read_history(plan: Plan) -> tuple[History | None, str]:
    """The plan's history, or None and why there is none (not in git, no commits...)."""
    try:
        return _read(plan)
    except GitError as exc:
        return None, str(exc)


def _read(plan: Plan) -> tuple[History | None, str]:
    path = Path(plan.file)
    repo = Repository.find(path.resolve().parent)
    rel = repo.relative(path)
    followed = [rel]
    for shown, _, _ in plan.imported:
        try:
            followed.append(repo.relative(Path(shown)))
        except GitError:
            continue  # a library outside the repository has no history here
    result = repo.run("log", f"-n{MAX_COMMITS + 1}", "--format=%H%x1f%cs%x1f%s", "HEAD",
                      "--", *followed)
    if result.returncode != 0:
        return None, "the repository has no commits yet"
    lines = [line for line in result.stdout.decode("utf-8", "replace").splitlines() if line]
    truncated = len(lines) > MAX_COMMITS
    lines = lines[:MAX_COMMITS]
    snapshots: list[_Snapshot] = []
    skipped: list[str] = []
    for line in reversed(lines):  # oldest first
        commit, date, subject = ([*line.split("\x1f"), "", ""])[:3]
        reader = GitPlanReader(repo, commit, commit[:7])
        try:
            loaded = reader.plan(rel)
        except DiffUsageError as exc:
            skipped.append(f"{commit[:7]}: {exc}")
            continue
        if loaded is None or loaded.plan is None or loaded.is_library:
            continue  # the plan did not exist yet (a library changed before it was added)
        snapshots.append(_Snapshot(loaded.plan, loaded.plan.version or NO_VERSION,
                                   commit[:7], date, subject))
    if _changed_since_head(repo, rel, plan, followed):
        snapshots.append(_Snapshot(plan, plan.version or NO_VERSION, "", "",
                                   "uncommitted changes in the working tree"))
    if not snapshots:
        return None, f"{rel} has no commits yet"
    return History(versions=tuple(reversed(_versions(snapshots, rel))),
                   commits_read=len(lines), truncated=truncated,
                   skipped=tuple(skipped)), ""


def _changed_since_head(repo: Repository, rel: str, plan: Plan, followed: list[str]) -> bool:
    for name in followed:
        try:
            current = (repo.root / name).read_bytes()
        except OSError:
            return True
        if repo.show("HEAD", name) != current:
            return True
    return False


def _versions(snapshots: list[_Snapshot], rel: str) -> list[VersionDoc]:
    """One entry per run of snapshots with the same version, oldest first: the run's last
    snapshot compared with the previous run's last."""
    runs: list[list[_Snapshot]] = []
    for snapshot in snapshots:
        if runs and runs[-1][-1].version == snapshot.version:
            runs[-1].append(snapshot)
        else:
            runs.append([snapshot])
    out: list[VersionDoc] = []
    previous: _Snapshot | None = None
    for run in runs:
        last = run[-1]
        changes: tuple[ChangeDoc, ...] = ()
        if previous is not None:
            found = [_change(change_dict(c, "all", None))
                     for c in diff_plans(previous.plan, last.plan, plan_name=rel)]
            # Most breaking first; within a level, in plan order (sorted is stable).
            changes = tuple(sorted(found, key=lambda c: LEVEL_ORDER.get(c.level, 3)))
        out.append(VersionDoc(version=last.version, commit=last.commit, date=last.date,
                              subject=last.subject, changes=changes, first=previous is None))
        previous = last
    return out


def _change(row: dict[str, object]) -> ChangeDoc:
    location = row.get("new") or row.get("old") or {}
    assert isinstance(location, dict)
    file = location.get("file") or row.get("plan") or ""
    line = location.get("line")
    return ChangeDoc(level=str(row["level"]), code=str(row["code"]), rule=str(row["id"]),
                     message=str(row["message"]), impact=str(row["impact"]),
                     where=f"{file}:{line}" if line else str(file))

