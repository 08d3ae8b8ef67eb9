"""Reading plan files at a git ref, through the git binary (no shell, no library).

Errors a user can fix (not a repository, an unknown ref, a ref missing from a shallow clone)
are :class:`GitError` with a message that says what to run, e.g. ``git fetch origin main``.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    """A problem with the repository or a ref; the message says how to fix it."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, env=env,
                              check=False, timeout=60)
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH); pass --against FILE to "
                       "compare with a file instead") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {' '.join(args)}` took longer than 60 seconds") from None


def _text(result: subprocess.CompletedProcess[bytes]) -> str:
    return result.stdout.decode("utf-8", "replace").strip()


@dataclass(frozen=True)
class Repository:
    """A git working tree, found from any folder inside it."""

    root: Path

    @classmethod
    def find(cls, start: Path) -> Repository:
        result = _git(["rev-parse", "--show-toplevel"], start)
        if result.returncode != 0:
            raise GitError(f"{start} is not inside a git repository; pass --against FILE to "
                           "compare with another file")
        return cls(Path(_text(result)).resolve())

    def run(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return _git(list(args), self.root)

    @property
    def is_shallow(self) -> bool:
        return _text(self.run("rev-parse", "--is-shallow-repository")) == "true"

    def resolve(self, ref: str) -> str:
        """The commit a ref names, or a :class:`GitError` that says how to fetch it."""
        if ref.startswith("-"):
            raise GitError(f"invalid git ref {ref!r}")
        result = self.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                          f"{ref}^{{commit}}")
        if result.returncode == 0:
            return _text(result)
        why = "this clone is shallow and does not have it" if self.is_shallow else "it is not in this repository"
        raise GitError(f"cannot compare against {ref!r}: {why}. Fetch it first, then run "
                       f"again: `{fetch_command(ref)}`")

    def default_base(self) -> tuple[str, str]:
        """(label, commit): the merge-base of HEAD with the default branch.

        The default branch is origin/HEAD when the clone knows it, else main, else master
        (local or on origin).
        """
        candidates = []
        head = self.run("symbolic-ref", "--quiet", "refs/remotes/origin/HEAD")
        if head.returncode == 0:
            candidates.append(_text(head).removeprefix("refs/remotes/"))
        candidates += ["main", "master", "origin/main", "origin/master"]
        for branch in candidates:
            if self.run("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").returncode:
                continue
            base = self.run("merge-base", "HEAD", branch)
            if base.returncode == 0:
                return f"merge-base with {branch}", _text(base)
            hint = ("the clone is shallow: run `git fetch --unshallow` (or fetch more history "
                    "with `git fetch --deepen=100`)" if self.is_shallow else
                    "they share no history")
            raise GitError(f"cannot find where HEAD branched from {branch}: {hint}; or pass "
                           f"--against REF")
        raise GitError("no default branch to compare with (no origin/HEAD, main or master): "
                       "pass --against REF (a branch, tag or commit) or --against FILE")

    def relative(self, path: Path) -> str:
        """``path`` relative to the repository root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise GitError(f"{path} is outside the git repository at {self.root}") from None

    def show(self, commit: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``commit``; None when the file does not exist there."""
        path = posixpath.normpath(path)
        if path.startswith("../") or path == "..":
            return None
        result = self.run("cat-file", "blob", f"{commit}:{path}")
        if result.returncode != 0:
            return None
        return result.stdout

    def files(self, commit: str, folder: str) -> list[str]:
        """Every file path under ``folder`` at ``commit`` (repository-relative)."""
        folder = posixpath.normpath(folder)
        args = ["ls-tree", "-r", "-z", "--name-only", commit]
        if folder != ".":
            args += ["--", folder]
        result = self.run(*args)
        if result.returncode != 0:
            raise GitError(f"cannot list {folder} at {commit[:12]}: "
                           f"{result.stderr.decode('utf-8', 'replace').strip()}")
        return [p for p in result.stdout.decode("utf-8", "replace").split("\0") if p]


def fetch_command(ref: str) -> str:
    """The command that makes ``ref`` available in a (shallow) clone."""
    if ref.startswith("origin/"):
        branch = ref.removeprefix("origin/")
        return f"git fetch origin {branch}:refs/remotes/origin/{branch}"
    if len(ref) >= 7 and all(c in "0123456789abcdef" for c in ref.lower()):
        return f"git fetch origin {ref}"
    return f"git fetch origin {ref}:{ref}"
