"""Which files a scan reads: the tree under each path, minus what git and the flags ignore.

Every entry met is accounted for: a source file to parse, or a :class:`Skipped` record with
the reason (ignored by a .gitignore, excluded, not a source file, a symlink, not a regular
file). The walk is iterative (no recursion on deep trees), never follows a symlink, and never
descends into a directory it skips, so an ignored ``node_modules`` costs one entry.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from protocols.scan.ignore import MAX_PATTERNS, IgnoreRules, split_lines
from protocols.scan.languages import language_of

# Never scanned, whatever the .gitignore says: version control internals and installed
# packages (a virtualenv is recognised by its pyvenv.cfg, whatever its name).
DEFAULT_EXCLUDED_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__"})


class WalkError(ValueError):
    """A path given to scan that does not exist."""


@dataclass(frozen=True)
class SourceFile:
    path: str  # as shown in findings: the given root joined with the path inside it
    language: str


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class PatternsCut(Skipped):
    """A .gitignore with more patterns than are applied: those from ``line`` on are not
    (protocols/scan/ignore.py's MAX_PATTERNS); the scan reports it (PS005)."""

    line: int = 0


@dataclass(frozen=True)
class _Rules:
    """The .gitignore files that apply at one directory, shallowest first."""

    specs: tuple[tuple[str, IgnoreRules], ...] = ()

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether the patterns ignore ``rel`` itself: the walk asks once it has walked into
        the folder of ``rel``, so the folder is not ignored."""
        decision: bool | None = None
        for base, spec in self.specs:
            if base and not rel.startswith(base):
                continue
            result = spec.decide_itself(rel[len(base):] + ("/" if is_dir else ""))
            if result is not None:
                decision = result  # deeper files and later lines win, as in git
        return bool(decision)

    def with_file(self, base: str, path: Path, *, follow: bool = False) -> _Rules:
        spec = _read_spec(path, follow=follow)
        return self if spec is None else _Rules((*self.specs, (base, spec)))


def _read_spec(path: Path, *, follow: bool = False) -> IgnoreRules | None:
    """The rules of a .gitignore; None when it cannot be read, is not a regular file, or
    (unless ``follow``) is a symlink: git reads no .gitignore through a link (since 2.32),
    and the walk reads nothing outside the tree through one."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    # A .gitignore is a small text file; a huge or binary one is not read whole.
    with os.fdopen(descriptor, "rb") as handle:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None  # (a FIFO named .gitignore: never read)
            data = handle.read(1024 * 1024)
        except OSError:
            return None
    # Matched in linear time whatever the patterns (protocols/scan/ignore.py).
    return IgnoreRules.from_lines(split_lines(data))


def _repository_rules(root: Path) -> tuple[_Rules, str, list[PatternsCut]]:
    """The rules of the .gitignore files above ``root`` in its git repository, the path
    of ``root`` inside the repository (``""`` when it is the top or not in one), and those
    of the files past the pattern limit."""
    resolved = root.resolve()
    top: Path | None = None
    for folder in (resolved, *resolved.parents):
        if (folder / ".git").exists():
            top = folder
            break
    if top is None:
        return _Rules(), "", []
    rules = _Rules()
    cuts: list[PatternsCut] = []
    exclude = top / ".git" / "info" / "exclude"
    if exclude.is_file():
        rules = rules.with_file("", exclude, follow=True)  # (git's own file, not the tree's)
    inside = resolved.relative_to(top)
    folder = top
    base = ""
    for part in ("", *inside.parts):
        if part:
            folder = folder / part
            base = f"{base}{part}/"
        if folder != resolved and (folder / ".gitignore").is_file():
            before, rules = rules, rules.with_file(base, folder / ".gitignore")
            cut = rules.specs[-1][1].unused_from if rules is not before else None
            if cut is not None:
                cuts.append(_cut(os.path.relpath(folder / ".gitignore"), cut))
    return rules, "" if not inside.parts else inside.as_posix() + "/", cuts


def _cut(shown: str, line: int) -> PatternsCut:
    return PatternsCut(shown, f"patterns past the first {MAX_PATTERNS:,} not applied", line)


def walk(paths: Sequence[str], *, exclude: Sequence[str] = (), gitignore: bool = True
         ) -> Iterator[SourceFile | Skipped]:
    """Every entry under ``paths``, in a stable order: a :class:`SourceFile` or a
    :class:`Skipped` with its reason. A path that does not exist raises :class:`WalkError`."""
    excluded = IgnoreRules.from_lines(exclude) if exclude else None
    if excluded is not None and excluded.unused_from is not None:
        raise WalkError(f"more than {MAX_PATTERNS:,} exclude patterns")
    seen: set[str] = set()
    for given in paths:
        root = Path(given)
        if not root.exists() and not root.is_symlink():
            raise WalkError(f"no such file or directory: {given}")
        if root.is_dir():
            yield from _walk_dir(given, root, excluded, gitignore, seen)
        else:
            yield from _one_file(given, root, seen)


def _one_file(given: str, path: Path, seen: set[str]) -> Iterator[SourceFile | Skipped]:
    """A file named on the command line: scanned when it is source, whatever ignores it."""
    shown = os.path.normpath(given)
    if shown in seen:
        return
    seen.add(shown)
    language = language_of(path.name)
    if language is None:
        yield Skipped(shown, f"not a source file of a scanned language ({path.suffix or 'no extension'})")
    else:
        yield SourceFile(shown, language)


def _walk_dir(given: str, root: Path, excluded: IgnoreRules | None, gitignore: bool,
              seen: set[str]) -> Iterator[SourceFile | Skipped]:
    rules, prefix, cuts = _repository_rules(root) if gitignore else (_Rules(), "", [])
    yield from cuts
    # A root inside an ignored folder of its repository (or ignored itself): all of it is.
    folders = prefix.rstrip("/").split("/") if prefix else []
    root_ignored = any(rules.ignored("/".join(folders[:depth]), True)
                       for depth in range(1, len(folders) + 1))
    # Each entry: the directory, its path relative to the root, and the rules in force.
    stack: list[tuple[Path, str, _Rules]] = [(root, "", rules)]
    while stack:
        folder, rel, rules = stack.pop()
        if gitignore and (folder / ".gitignore").is_file():
            before, rules = rules, rules.with_file(prefix + rel, folder / ".gitignore")
            cut = rules.specs[-1][1].unused_from if rules is not before else None
            if cut is not None:
                yield _cut(_shown(given, rel + ".gitignore"), cut)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(_shown(given, rel) or os.path.normpath(given),
                          f"cannot list the directory: {exc.strerror or exc}")
            continue
        subfolders: list[tuple[Path, str, _Rules]] = []
        for entry in entries:
            child_rel = f"{rel}{entry.name}"
            shown = _shown(given, child_rel)
            if shown in seen:
                continue
            seen.add(shown)
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError as exc:
                yield Skipped(shown, f"cannot read: {exc.strerror or exc}")
                continue
            is_dir = stat.S_ISDIR(mode)
            if stat.S_ISLNK(mode):
                yield Skipped(shown, "a symlink: not followed (its target is scanned where it "
                                     "lives, when that is inside the scanned tree)")
                continue
            if is_dir and entry.name in DEFAULT_EXCLUDED_DIRS:
                yield Skipped(shown + "/", f"{entry.name}/ is never scanned")
                continue
            if gitignore and ((root_ignored and not rel)
                              or rules.ignored(prefix + child_rel, is_dir)):
                yield Skipped(shown + ("/" if is_dir else ""), "ignored by .gitignore")
                continue
            if excluded is not None and excluded.decide_itself(child_rel + ("/" if is_dir else "")):
                yield Skipped(shown + ("/" if is_dir else ""), "excluded by --exclude")
                continue
            if is_dir:
                if (Path(entry.path) / "pyvenv.cfg").is_file():
                    yield Skipped(shown + "/", "a Python virtual environment")
                    continue
                subfolders.append((Path(entry.path), child_rel + "/", rules))
                continue
            if not stat.S_ISREG(mode):
                yield Skipped(shown, "not a regular file")
                continue
            language = language_of(entry.name)
            if language is None:
                suffix = Path(entry.name).suffix or "no extension"
                yield Skipped(shown, f"not a source file of a scanned language ({suffix})")
                continue
            yield SourceFile(shown, language)
        stack.extend(reversed(subfolders))  # popped in name order


def _shown(given: str, rel: str) -> str:
    return os.path.normpath(os.path.join(given, rel)) if rel else os.path.normpath(given)
