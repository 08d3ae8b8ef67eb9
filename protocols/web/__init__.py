"""What the HTML outputs share: a Jinja environment that escapes everything, one page shell
with its CSS and JS inline, and a Content-Security-Policy that lets only those run.

The docs site (protocols/docsite/) and the HTML reports (protocols/report/html*.py) both build
pages here, so both open from disk (file://) or any static host with no network: nothing is
fetched, every style and script is in the page, and the policy names each one by its hash.
Text from plans and logs is data: it only ever reaches a page through autoescaping, so a
name like ``<script>`` is shown as typed, and the policy would refuse to run it anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from protocols.safetext import printable

# The marker the docs site puts in every file it writes, so it never overwrites (or removes)
# a file it did not write itself.
GENERATOR = "protocols docs"


def asset(package: str, name: str) -> str:
    """The text of a file under ``<package>/assets/`` (package data)."""
    return files(package).joinpath("assets").joinpath(name).read_text("utf-8")


def environment(*packages: str) -> Environment:
    """Templates from ``<package>/templates/`` of each package, then the shared ones.

    Autoescaping is on for every template and undefined names are errors, so a template can
    neither forget to escape plan text nor silently print nothing.
    """
    loaders = [PackageLoader(p, "templates") for p in (*packages, "protocols.web")]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      finalize=_finalize)
    env.filters["json"] = pretty_json
    env.filters["number"] = number
    env.filters["percent"] = percent
    return env


def visible(text: str) -> str:
    """``text`` with each control character written out (``\\x1b``): the one sanitising
    function, :func:`protocols.safetext.printable`, with newlines kept (a page wraps them).

    A report may go to a terminal (`-f html` without -o), and a page should show control
    characters, bidi overrides and lone surrogates (which UTF-8 cannot even encode), not act
    on them.
    """
    return printable(text, newlines=True)


def _finalize(value: Any) -> Any:
    # Every {{ value }} passes here before escaping; our own markup (CSS, JS, SVG) is Markup.
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def sha256_source(text: str) -> str:
    """A CSP hash source for an inline ``<script>`` or ``<style>`` with exactly ``text``."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@dataclass(frozen=True)
class Inline:
    """The CSS and JS a page carries inline, and the policy that allows exactly those."""

    styles: tuple[str, ...]
    scripts: tuple[str, ...]

    @property
    def policy(self) -> str:
        # default-src 'none': no fetch, frame, font, media or connection of any kind. Images
        # only as data: URLs (none are used today). No base or form target to hijack.
        styles = " ".join(sha256_source(s) for s in self.styles) or "'none'"
        scripts = " ".join(sha256_source(s) for s in self.scripts) or "'none'"
        return (f"default-src 'none'; style-src {styles}; script-src {scripts}; "
                "img-src data:; base-uri 'none'; form-action 'none'")

    def context(self) -> dict[str, Any]:
        """What the shared ``base.html`` needs: the policy and the inline sources as markup."""
        return {"csp": self.policy,
                "styles": [Markup(_inert(s, "style")) for s in self.styles],
                "scripts": [Markup(_inert(s, "script")) for s in self.scripts]}


def _inert(text: str, tag: str) -> str:
    """Our own CSS/JS, checked not to close its element early (it is inlined as is)."""
    if f"</{tag}" in text.lower():
        raise ValueError(f"an inline {tag} must not contain '</{tag}'")
    return text


def inline(*, styles: Sequence[tuple[str, str]], scripts: Sequence[tuple[str, str]] = ()
           ) -> Inline:
    """The assets ``(package, file name)`` to inline, the shared base CSS first."""
    css = [asset("protocols.web", "base.css"), *(asset(p, n) for p, n in styles)]
    return Inline(tuple(css), tuple(asset(p, n) for p, n in scripts))


def pretty_json(value: Any) -> str:
    """JSON for people: indented, keys in the order written, non-ASCII kept as is."""
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def number(value: Any) -> str:
    """``12345`` -> ``12,345``."""
    return f"{int(value):,}" if isinstance(value, int) else str(value)


def percent(part: float, whole: float) -> str:
    """``part`` of ``whole`` as a short percentage (``0%`` of nothing)."""
    if not whole:
        return "0%"
    share = 100 * part / whole
    return f"{share:.0f}%" if share >= 10 or share == 0 else f"{share:.1f}%"


def search_text(parts: Iterable[object]) -> str:
    """Lower-case words that client-side search matches against (a data attribute)."""
    return " ".join(" ".join(str(p).split()) for p in parts if p).lower()

