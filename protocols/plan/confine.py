"""What a plan may read: regular files inside its own project folder, of bounded size.

Plans arrive in pull requests from anyone, so a plan names files (``imports:``) and sits
among files (a plans folder) that an attacker chooses. Every such file is read through
:func:`read_confined`: it must resolve (symlinks followed) to a place inside the project
folder, be a regular file (not ``/dev/zero``, a pipe or a folder) and be at most
:data:`MAX_PLAN_BYTES` long. Nothing outside the tree is opened, and a refusal says why
without showing any of the file.

The project folder is the repository holding the plan (the nearest folder with ``.git``),
or, outside any repository, the folder of the plan itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from protocols.yamlsrc import MAX_BYTES

#: The largest plan or library file read; the YAML reader refuses larger text anyway.
MAX_PLAN_BYTES = MAX_BYTES
_CHUNK = 1024 * 1024


class Refused(Exception):
    """A file a plan may not read; the message says why (never what it holds)."""


def project_root(path: Path) -> Path:
    """The repository holding ``path`` (nearest ancestor with ``.git``), else its folder.

    ``path`` itself is not resolved (a link named in the plans folder belongs to the plans
    folder); the folders above it are.
    """
    start = Path(os.path.abspath(path))
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def inside(path: Path, root: Path) -> bool:
    """Whether ``path``, every symlink followed, is ``root`` or under it."""
    real = Path(os.path.realpath(path))
    return real == root or real.is_relative_to(root)


def read_confined(path: Path, root: Path | None, *, limit: int = MAX_PLAN_BYTES) -> bytes:
    """The bytes of a regular file inside ``root`` (None: anywhere), at most ``limit`` long.

    Raises :class:`Refused` for a file outside the root, a non-regular file or a file too
    large, and :class:`OSError` when the system cannot read it.
    """
    if root is not None and not inside(path, root):
        raise Refused(f"it is outside the project folder {root} (a path or link leading "
                      "out of the repository); only files inside it are read")
    # O_NONBLOCK: opening a named pipe would otherwise wait for a writer forever.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise Refused("it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise Refused("it is not a regular file (a device, pipe or socket)")
        if info.st_size > limit:
            raise Refused(f"it is larger than {_size(limit)}")
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise Refused(f"it is larger than {_size(limit)}")
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"
