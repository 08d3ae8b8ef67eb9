"""Which files to read: files as given, folders walked, globs expanded, ``-`` for stdin.

Each file is read once, however many ways it is reached (two arguments, a folder and a glob,
symbolic or hard links): files are told apart by device and inode. Folders are walked, and
``**`` globs expanded, with every folder entered once, so a symbolic link that points back
up the tree is not followed round. Something that cannot be read (a folder that cannot be
listed, a link to nothing) stays in the list: reading it gives a finding (PV005) in the
report, instead of being skipped in silence.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

LOG_SUFFIXES = (".ndjson", ".jsonl", ".json", ".log", ".gz")
STDIN = "-"


class InputError(Exception):
    """An input argument that names nothing readable (a usage error, exit code 2)."""


def expand_inputs(arguments: Iterable[str]) -> list[str]:
    """Files to read, in order: files as given, folders walked (log files only, sorted),
    globs expanded (sorted), ``-`` stdin; each file once.

    Raises :class:`InputError` for a path that does not exist or a glob that matches nothing.
    """
    found = _Found()
    for argument in arguments:
        if argument == STDIN:
            found.paths.append(STDIN)
            continue
        path = Path(argument)
        if path.is_dir():
            entries = sorted(_walk(argument, found), key=lambda p: Path(p).parts)
            if not entries:
                raise InputError(f"no log files ({', '.join(LOG_SUFFIXES)}) in {argument}")
            found.extend(entries)
        elif path.exists() or path.is_symlink():
            found.extend([argument])
        elif glob.has_magic(argument):
            matches = sorted(_glob(argument, found))
            if not matches:
                raise InputError(f"no files match {argument}")
            found.extend(matches)
        else:
            raise InputError(f"no such file or folder: {argument}")
    return list(dict.fromkeys(found.paths))


class _Found:
    """The files found so far, and the devices and inodes of files and folders seen."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.files: set[tuple[int, int]] = set()
        self.folders: set[tuple[int, int]] = set()

    def extend(self, paths: Iterable[str]) -> None:
        for path in paths:
            key = _identity(path)
            if key is not None and not os.path.isdir(path):
                if key in self.files:
                    continue
                self.files.add(key)
            self.paths.append(path)

    def enter(self, folder: str) -> bool:
        """Whether ``folder`` is seen for the first time (and so is to be walked)."""
        key = _identity(folder)
        if key is None:
            return True
        if key in self.folders:
            return False
        self.folders.add(key)
        return True


def _identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return stat.st_dev, stat.st_ino


def is_log(name: str) -> bool:
    return name.lower().endswith(LOG_SUFFIXES) and not name.startswith(".")


def _walk(root: str, found: _Found) -> Iterator[str]:
    """Log files under ``root``, each folder entered once; a folder that cannot be listed,
    and a log-named link to nothing, are yielded too (reading them says why)."""
    stack = [root]
    while stack:
        folder = stack.pop()
        if not found.enter(folder):
            continue
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            yield folder
            continue
        for entry in entries:
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                elif is_log(entry.name) and (entry.is_file() or entry.is_symlink()):
                    yield entry.path  # (a link to nothing: its read says so)
            except OSError:
                yield entry.path


def _glob(pattern: str, found: _Found) -> list[str]:
    """The files ``pattern`` matches, as ``glob.glob(pattern, recursive=True)`` finds them,
    but entering each folder once per pattern position and keeping unreadable folders."""
    parts = Path(pattern).parts
    first = next(index for index, part in enumerate(parts) if glob.has_magic(part))
    base = os.path.join(*parts[:first]) if first else ""
    matches: list[str] = []
    entered: set[tuple[tuple[int, int] | str, int]] = set()

    def match(path: str, position: int) -> None:
        if position == len(parts):
            if os.path.isfile(path) or (os.path.islink(path) and not os.path.exists(path)):
                matches.append(path)
            return
        part = parts[position]
        if not glob.has_magic(part):
            nxt = os.path.join(path, part) if path else part
            if position + 1 == len(parts) or os.path.isdir(nxt):
                match(nxt, position + 1)
            return
        key = (_identity(path or ".") or path, position)
        if key in entered:
            return  # this folder was already matched against this part of the pattern
        entered.add(key)
        try:
            with os.scandir(path or ".") as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            if os.path.isdir(path or "."):
                matches.append(path or ".")  # unreadable: a finding when it is read
            return
        last = position + 1 == len(parts)
        if part == "**":
            match(path, position + 1)  # no folder at all
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if _is_dir(entry):
                    match(entry.path if path else entry.name, position)
                elif last:  # a final "**" matches files too
                    match(entry.path if path else entry.name, position + 1)
            return
        hidden = part.startswith(".")
        for entry in entries:
            if entry.name.startswith(".") and not hidden:
                continue
            if fnmatch.fnmatch(entry.name, part) and (last or _is_dir(entry)):
                match(entry.path if path else entry.name, position + 1)

    match(base, first)
    return matches


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
