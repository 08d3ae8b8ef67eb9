"""``protocols diff`` as a library call: find the plan versions, compare them, judge the bump.

:func:`run_diff` turns :class:`DiffOptions` into a :class:`RunResult` whose diagnostics are
the changes (severity from the level for the chosen audience) and the version findings, and
whose ``extra`` holds every change as a plain dict (``changes``) and the version verdict of
each plan (``version``).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity, sort_diagnostics
from protocols.diff.accepted import AcceptedChanges
from protocols.diff.compare import diff_plans
from protocols.diff.git import GitError, Repository
from protocols.diff.model import Change, impact
from protocols.diff.rules import AUDIENCES, CHANGE_RULES, Level
from protocols.diff.versions import VersionCheck, check_version
from protocols.plan.loader import (
    PLAN_SUFFIXES,
    LoadResult,
    discover_plan_files,
    load_plan_file,
    load_plan_text,
)
from protocols.plan.model import Plan
from protocols.report import RunResult
from protocols.yamlsrc import SourceMap, YamlError, decode_source, load_yaml


class DiffUsageError(Exception):
    """The diff cannot run (bad ref, missing file, a plan that does not load): exit 2.

    ``diagnostics`` holds positioned problems when a plan version does not load.
    """

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass(frozen=True, kw_only=True)
class DiffOptions:
    plan: Path | None = None  # one plan file; None: every plan under ``plans_dir``
    against: str | None = None  # a git ref or a plan file; None: merge-base with the default branch
    plans_dir: Path = Path("plans")
    audience: str = "all"  # producers, consumers or all
    accepted: AcceptedChanges = field(default_factory=AcceptedChanges)
    cwd: Path = field(default_factory=Path.cwd)


@dataclass(frozen=True)
class _Pair:
    """One plan at both versions (either side None when it was added or removed)."""

    name: str
    old: LoadResult | None
    new: LoadResult | None


def run_diff(options: DiffOptions) -> RunResult:
    if options.audience not in (*AUDIENCES, "all"):
        raise DiffUsageError(f"unknown audience {options.audience!r} "
                             "(choose producers, consumers or all)")
    against = options.against
    if against is not None and _is_file(options.cwd, against):
        pairs, label, commit = _file_pairs(options, options.cwd / against), against, None
    else:
        try:
            pairs, label, commit = _git_pairs(options)
        except GitError as exc:
            if against is not None and Path(against).suffix in PLAN_SUFFIXES:
                raise DiffUsageError(f"no such plan file or git ref: {against}") from None
            raise DiffUsageError(str(exc)) from None
    changes: list[Change] = []
    versions: dict[str, dict[str, Any]] = {}
    version_diagnostics: list[Diagnostic] = []
    for pair in pairs:
        found = _compare(pair)
        changes.extend(found)
        if pair.old is not None and pair.new is not None:
            assert pair.old.plan is not None and pair.new.plan is not None
            verdict = check_version(pair.old.plan.version, pair.new.plan.version,
                                    [c.rule.bump for c in found])
            versions[pair.name] = _version_dict(verdict)
            if verdict.problem is not None:
                version_diagnostics.append(_version_diagnostic(verdict, pair.new.plan,
                                                               options.audience))
    return _result(changes, version_diagnostics, versions, options, label=label,
                   commit=commit, plans=len(pairs))


# -- finding the two versions -----------------------------------------------------------------


def _is_file(cwd: Path, against: str) -> bool:
    path = cwd / against
    return path.suffix in PLAN_SUFFIXES and path.is_file()


def _file_pairs(options: DiffOptions, old_path: Path) -> list[_Pair]:
    if options.plan is None:
        raise DiffUsageError("--against FILE compares one plan: give the PLAN to compare too")
    new_path = options.cwd / options.plan
    if not new_path.is_file():
        raise DiffUsageError(f"no such plan file: {options.plan}")
    return [_Pair(str(options.plan), _checked(load_plan_file(old_path)),
                  _checked(load_plan_file(new_path)))]


def _git_pairs(options: DiffOptions) -> tuple[list[_Pair], str, str]:
    repo = Repository.find(options.cwd)
    if options.against is not None:
        commit, label = repo.resolve(options.against), options.against
        shown = label
    else:
        how, commit = repo.default_base()
        label = commit[:12]
        shown = f"{label} ({how})"
    reader = GitPlanReader(repo, commit, label)
    if options.plan is not None:
        new_path = options.cwd / options.plan
        rel = repo.relative(new_path)
        old_text = repo.show(commit, rel)
        if not new_path.is_file() and old_text is None:
            raise DiffUsageError(f"no such plan file: {options.plan} (not in the working tree "
                                 f"nor at {label})")
        names = {rel: (new_path if new_path.is_file() else None)}
    else:
        folder = options.cwd / options.plans_dir
        rel_folder = repo.relative(folder)
        names = {repo.relative(p): p for p in discover_plan_files([str(folder)])
                 if folder.is_dir()}
        at_ref = [p for p in repo.files(commit, rel_folder)
                  if posixpath.splitext(p)[1] in PLAN_SUFFIXES]
        for rel in at_ref:
            names.setdefault(rel, None)
        if not names:
            raise DiffUsageError(f"no plan files (*.yaml, *.yml) under {options.plans_dir} in "
                                 f"the working tree or at {label}")
    pairs = []
    for rel in sorted(names):
        new_file = names[rel]
        new = _checked(load_plan_file(new_file)) if new_file is not None else None
        old = reader.plan(rel)
        if (new is None or new.is_library) and (old is None or old.is_library):
            continue  # libraries are compared through the plans that import them
        pairs.append(_Pair(new.file if new is not None else rel,
                           None if old is None or old.is_library else old,
                           None if new is None or new.is_library else new))
    return pairs, shown, commit


@dataclass(frozen=True)
class GitPlanReader:
    """Reads a plan, and the libraries it imports, at one commit."""

    repo: Repository
    commit: str
    label: str

    def plan(self, rel: str) -> LoadResult | None:
        raw = self.repo.show(self.commit, rel)
        if raw is None:
            return None
        shown = f"{self.label}:{rel}"
        try:
            text = decode_source(raw, shown)
        except YamlError as exc:
            raise DiffUsageError(f"{shown} cannot be read", list(exc.diagnostics)) from None
        return _checked(load_plan_text(text, self.repo.root / rel, shown=shown,
                                       read_import=self.library))

    def library(self, path: Path) -> tuple[str, Any, SourceMap]:
        # Paths are joined, not resolved: a symlink in the working tree says nothing about
        # the tree at the ref.
        rel = posixpath.relpath(posixpath.normpath(path.as_posix()), self.repo.root.as_posix())
        shown = f"{self.label}:{rel}"
        raw = None if rel.startswith("..") else self.repo.show(self.commit, rel)
        if raw is None:
            raise YamlError([Diagnostic("PL113", "unreadable-file", Severity.ERROR,
                                        f"{rel} does not exist at {self.label}", shown)])
        data, source = load_yaml(decode_source(raw, shown), shown)
        return shown, data, source


def _checked(result: LoadResult) -> LoadResult:
    """A loaded plan, or :class:`DiffUsageError` with its errors: a broken plan is not diffed."""
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if errors or result.plan is None:
        raise DiffUsageError(f"{result.file} has errors; fix them first (`protocols lint` "
                             "shows them all)", errors or list(result.diagnostics))
    return result


# -- comparing --------------------------------------------------------------------------------


def _compare(pair: _Pair) -> list[Change]:
    if pair.old is not None and pair.new is not None:
        assert pair.old.plan is not None and pair.new.plan is not None
        return diff_plans(pair.old.plan, pair.new.plan, plan_name=pair.name)
    if pair.new is not None:
        assert pair.new.plan is not None
        return [Change(CHANGE_RULES["plan-added"], f"plan {pair.name} was added", "",
                       pair.name, new=pair.new.plan.source.key_location(("plan",)))]
    assert pair.old is not None and pair.old.plan is not None
    return [Change(CHANGE_RULES["plan-removed"], f"plan {pair.name} was removed", "",
                   pair.name, new=Location(pair.name), old=pair.old.plan.source.key_location(
                       ("plan",)))]


def _level(change: Change, audience: str) -> Level:
    return change.rule.level_for(audience)


def _diagnostic(change: Change, audience: str) -> Diagnostic:
    where = change.new or change.old or Location(change.plan)
    return Diagnostic(
        code=change.rule.code, name=change.rule.id,
        severity=_level(change, audience).severity,
        message=f"{change.what}: {impact(change.rule, audience)}",
        file=where.file, line=where.line, column=where.column, path=change.path or None,
        event=change.event)


def _version_diagnostic(verdict: VersionCheck, plan: Plan, audience: str) -> Diagnostic:
    rule = CHANGE_RULES[verdict.problem or ""]
    key = ("version",) if "version" in plan.data else ("plan",)
    where = plan.source.value_location(key)
    return Diagnostic(rule.code, rule.id, rule.level_for(audience).severity, verdict.message,
                      where.file, where.line, where.column, path="version",
                      suggestion=verdict.required_version)


def _version_dict(verdict: VersionCheck) -> dict[str, Any]:
    return {"old": verdict.old, "new": verdict.new,
            "required_bump": verdict.required_bump.value if verdict.required_bump else None,
            "required_version": verdict.required_version, "problem": verdict.problem,
            "ok": verdict.problem is None}


def _location_dict(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"file": location.file, "line": location.line, "column": location.column}


def change_dict(change: Change, audience: str, accepted: str | None) -> dict[str, Any]:
    return {
        "id": change.rule.id, "code": change.rule.code, "category": change.rule.category,
        "level": _level(change, audience).value,
        "levels": {"producers": change.rule.producers.value,
                   "consumers": change.rule.consumers.value},
        "bump": change.rule.bump.value, "plan": change.plan, "event": change.event,
        "path": change.path, "message": change.what, "impact": impact(change.rule, audience),
        "new": _location_dict(change.new), "old": _location_dict(change.old),
        "before": change.before, "after": change.after, "accepted": accepted,
    }


def _result(changes: list[Change], version_diagnostics: list[Diagnostic],
            versions: dict[str, dict[str, Any]], options: DiffOptions, *, label: str,
            commit: str | None, plans: int) -> RunResult:
    diagnostics: list[Diagnostic] = []
    rows: list[dict[str, Any]] = []
    counts = {level.value: 0 for level in Level}
    accepted_count = 0
    used: set[int] = set()
    for change in changes:
        index = options.accepted.find(change)
        rows.append(change_dict(change, options.audience,
                                None if index is None else options.accepted.entries[index].reason))
        if index is not None:
            used.add(index)
            accepted_count += 1
            continue
        counts[_level(change, options.audience).value] += 1
        diagnostics.append(_diagnostic(change, options.audience))
    for diagnostic in version_diagnostics:
        rule = CHANGE_RULES[diagnostic.name]
        index = next((i for i, a in enumerate(options.accepted.entries)
                      if a.rule is rule and a.path in (None, "version")), None)
        if index is not None:
            used.add(index)
            accepted_count += 1
            continue
        diagnostics.append(diagnostic)
    # Entries that matched nothing are listed, so stale acceptances get cleaned up.
    unused = [{"file": options.accepted.file, "line": entry.line, "rule": entry.rule.id,
               "event": entry.event, "path": entry.path}
              for index, entry in enumerate(options.accepted.entries)
              if index not in used]
    summary = {"files": plans, "against": label, "commit": commit,
               "audience": options.audience, "changes": len(changes), **counts,
               "accepted": accepted_count, "unused_accepted": len(unused)}
    return RunResult("diff", tuple(sort_diagnostics(diagnostics)), summary,
                     extra={"changes": rows, "version": versions, "unused_accepted": unused})

