"""Outputs never destroy inputs, and a failed write leaves the old file as it was.

Every command that writes files (reports, quarantine files, plans, schemas, generated code)
first hands the paths it will write and the paths it reads to :func:`check_outputs`. Files
are compared by device and inode, so a hard link, a symbolic link, another spelling of the
path, standard input redirected from the file (``- < log``) or standard output redirected to
it (``>> log``) are all caught; the command then stops before it opens anything for writing.
(``validate log --good link-to-log`` used to truncate the log to zero bytes.)

:func:`write_text` writes a temporary file in the same folder and renames it over the
target, so readers never see half a report and an error leaves the previous file intact.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

STDIO = "-"

PathLike = str | os.PathLike[str]
_Identity = tuple[int, int]


class ClobberError(ValueError):
    """An output that is also an input (or two outputs that are one file)."""


def _identity(info: os.stat_result) -> _Identity | None:
    # Only regular files can be destroyed by a write; /dev/null in and out is fine.
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def file_identity(path: PathLike) -> _Identity | None:
    """(device, inode) of the regular file at ``path`` (links followed); ``-`` is standard
    input. None when there is no such regular file."""
    try:
        info = os.fstat(0) if os.fspath(path) == STDIO else os.stat(path)
    except (OSError, ValueError):
        return None
    return _identity(info)


def stdout_identity() -> _Identity | None:
    """(device, inode) of the regular file standard output is redirected to, if any."""
    try:
        return _identity(os.fstat(1))
    except OSError:
        return None


def check_outputs(outputs: Iterable[PathLike | None], inputs: Iterable[PathLike | None], *,
                  uses_stdout: bool = False) -> None:
    """Raise :class:`ClobberError` if writing ``outputs`` would overwrite one of ``inputs``.

    ``outputs`` are the files a command will write (``-`` or None: standard output, which
    is checked when ``uses_stdout``); ``inputs`` every file it reads (``-``: standard input).
    """
    read: dict[_Identity, str] = {}
    for path in inputs:
        if path is None:
            continue
        identity = file_identity(path)
        if identity is not None:
            read.setdefault(identity, "standard input" if os.fspath(path) == STDIO
                            else os.fspath(path))
    written: dict[_Identity | str, str] = {}
    for path in outputs:
        if path is None or os.fspath(path) == STDIO:
            uses_stdout = True
            continue
        shown = os.fspath(path)
        identity = file_identity(path)
        if identity is not None and identity in read:
            raise ClobberError(f"{shown} is the input {read[identity]} (the same file); "
                               "refusing to overwrite an input: write the output elsewhere")
        # A file that does not exist yet is known by its absolute path (links in folders
        # followed), so two spellings of one new file are caught too.
        key: _Identity | str = identity if identity is not None else os.path.realpath(path)
        if key in written:
            raise ClobberError(f"{shown} and {written[key]} are the same file; give each "
                               "output its own file")
        written[key] = shown
    if uses_stdout:
        identity = stdout_identity()
        if identity is not None and identity in read:
            raise ClobberError(f"standard output is redirected to the input {read[identity]}; "
                               "refusing to write over (or append to) an input")


def write_text(path: PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: see :func:`write_pieces`."""
    write_pieces(path, (text,))


def write_pieces(path: PathLike, pieces: Iterable[str]) -> None:
    """Write ``pieces`` (UTF-8, streamed) to ``path`` atomically: a temporary file in the same
    folder, renamed over the target. On any error (the disk, the encoding, the code making
    the pieces) the target is untouched and the temporary file is removed. A symbolic link is
    written through (its target is replaced), like a plain write. A target that exists and is
    not a regular file or a folder (``/dev/null``, ``/dev/stdout``, a named pipe) is written in
    place: renaming over it would replace the device or the pipe with a file.
    """
    target = Path(os.path.realpath(path))
    if _is_special(target):
        with open(target, "w", encoding="utf-8", newline="") as handle:
            for piece in pieces:
                handle.write(piece)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            for piece in pieces:
                handle.write(piece)
        os.chmod(temporary, _mode_for(target))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_special(target: Path) -> bool:
    """Whether ``target`` exists as something other than a regular file or a folder."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _mode_for(target: Path) -> int:
    """The permissions the file would have had: its current ones, or the umask's default."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
