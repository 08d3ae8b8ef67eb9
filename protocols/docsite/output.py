"""Stage 3 of ``protocols docs``: write the site's files into the output folder.

Only files this command wrote before are ever replaced or removed: each carries the generator
marker, and a file without it in the way is an error, so pointing ``--out`` at a folder with
other content (a repository root, the plans folder) cannot overwrite anything. Files an earlier
run wrote that this run does not produce (a removed event) are removed, so the folder always
matches the plan exactly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from protocols.docsite.model import Site
from protocols.docsite.render_html import render_html
from protocols.docsite.render_markdown import MARKER as MARKDOWN_MARKER
from protocols.docsite.render_markdown import render_markdown
from protocols.web import GENERATOR

FORMATS = ("html", "markdown")
SUFFIXES = {"html": ".html", "markdown": ".md"}
HTML_MARKER = f'<meta name="generator" content="{GENERATOR}">'
MAX_MARKER_SEARCH = 4096  # the marker sits in the first lines of every file we write


class DocsError(Exception):
    """The site cannot be written (a file in the way, an unwritable folder): exit 2."""


@dataclass(frozen=True)
class WriteSummary:
    written: int
    unchanged: int
    removed: int


def build_files(site: Site, format: str) -> dict[str, str]:
    if format == "html":
        return render_html(site)
    if format == "markdown":
        return render_markdown(site)
    raise ValueError(f"unknown format {format!r} (choose from {', '.join(FORMATS)})")


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(MAX_MARKER_SEARCH).decode("utf-8", "replace")
    except OSError:
        return False
    return HTML_MARKER in head or MARKDOWN_MARKER in head


def write_site(files: Mapping[str, str], out: Path, format: str) -> WriteSummary:
    """Write ``files`` under ``out``; see the module docs for what is replaced or removed."""
    suffix = SUFFIXES[format]
    root = out.resolve()
    targets = {name: (root / name) for name in files}
    for name, target in targets.items():
        # Names come from slugs ([a-z0-9-]) and fixed page names; check anyway.
        if root not in target.resolve().parents:
            raise DocsError(f"refusing to write outside {out}: {name}")
        if target.is_symlink() or (target.exists() and not (target.is_file() and _ours(target))):
            raise DocsError(f"refusing to overwrite {target}: it was not written by "
                            "`protocols docs` (choose an empty folder for --out)")
    written = unchanged = removed = 0
    try:
        for name, text in files.items():
            target = targets[name]
            data = text.encode("utf-8")
            if target.is_file() and target.read_bytes() == data:
                unchanged += 1
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written += 1
        if root.is_dir():
            wanted = {t.resolve() for t in targets.values()}
            for dirpath, _dirs, names in os.walk(root):
                for leaf in names:
                    path = Path(dirpath) / leaf
                    if path.suffix == suffix and not path.is_symlink() \
                            and path.resolve() not in wanted and _ours(path):
                        path.unlink()
                        removed += 1
    except OSError as exc:
        raise DocsError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return WriteSummary(written=written, unchanged=unchanged, removed=removed)
