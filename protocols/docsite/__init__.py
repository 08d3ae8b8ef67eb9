"""``protocols docs``: the plan as a data dictionary people can browse.

Split by stage: :mod:`collect` turns loaded plans (and their git history, :mod:`history`) into
the neutral model of :mod:`model`; :mod:`render_html` and :mod:`render_markdown` lay the model
out; :mod:`output` writes the files. Templates and CSS/JS are package data (``templates/``,
``assets/``). Same plans, same bytes: nothing depends on the clock or the machine.
"""

from __future__ import annotations

from protocols.docsite.collect import collect_site
from protocols.docsite.model import Site
from protocols.docsite.output import DocsError, WriteSummary, build_files, write_site

__all__ = ["DocsError", "Site", "WriteSummary", "build_files", "collect_site", "write_site"]
