"""What the parsers extract from a source file, in a form no later stage needs a tree for.

Each language's extractor (:mod:`protocols.scan.syntax`) turns a syntax tree into
:class:`FileFacts`: the tracking calls it found (:class:`CallSite`), the constants, enum
members and imports it declares. Expressions become small :data:`Value` records, so the
resolver and the checks are the same for every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from protocols.plan.model import MessageKind

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Lit:
    """A literal scalar: a string with no interpolation, a number, true/false, null."""

    value: Scalar
    line: int
    column: int


@dataclass(frozen=True)
class Ref:
    """A name to look up: ``ORDER`` or ``Events.ORDER`` (``("Events", "ORDER")``)."""

    parts: tuple[str, ...]
    line: int
    column: int

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class Opaque:
    """An expression whose value is only known at run time; ``why`` says what it is."""

    why: str
    line: int
    column: int


@dataclass(frozen=True)
class Entry:
    key: Value
    value: Value


@dataclass(frozen=True)
class Obj:
    """A literal object, dict or map. ``closed`` is False when it may hold keys not listed
    (a spread, a computed key, statements between ``put`` calls)."""

    entries: tuple[Entry, ...]
    closed: bool
    line: int
    column: int


@dataclass(frozen=True)
class Arr:
    items: tuple[Value, ...]
    line: int
    column: int


Value = Lit | Ref | Opaque | Obj | Arr

Form = Literal["sdk", "generated", "wrapper"]


@dataclass(frozen=True)
class CallSite:
    """One tracking call in the code.

    ``name`` is the event name (track) or the page/screen name, None when the call has none
    (identify, group, a page without a name). ``payload`` is the properties or traits given,
    None when none are. ``callee`` is how the call reads in the code (``analytics.track``).
    ``params`` are the parameter names of the function the call sits in: an event name that
    is one of them comes from the caller (the call is inside a wrapper).
    """

    kind: MessageKind
    form: Form
    callee: str
    name: Value | None
    payload: Value | None
    line: int
    column: int
    function: str | None = None
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unread:
    """A part of a file left unread because of how deep it nests (a PS004 finding)."""

    what: str
    line: int
    column: int


@dataclass(frozen=True)
class Import:
    """A name bound by an import: ``module`` as the file wrote it (None for languages with
    one namespace, such as Kotlin or Swift), ``name`` the imported name (None: the module
    itself, as in ``import x.y as z`` or ``import * as z``)."""

    module: str | None
    name: str | None


@dataclass
class FileFacts:
    """Everything one source file contributes to the scan."""

    path: str
    language: str
    calls: list[CallSite] = field(default_factory=list)
    # Qualified name ("ORDER", "Events.ORDER") -> the value it was given.
    symbols: dict[str, Value] = field(default_factory=dict)
    # Enum members by qualified name -> the member's own name (``ORDER``).
    enum_members: dict[str, str] = field(default_factory=dict)
    imports: dict[str, Import] = field(default_factory=dict)
    star_imports: list[str] = field(default_factory=list)
    package: str | None = None  # Go, Java, Kotlin: the package clause
    syntax_error: tuple[int, int] | None = None  # first error node (line, column)
    # Where expressions nest so deeply that a query dropped matches (PS004), or None.
    too_deep: tuple[int, int] | None = None
    # What else the extractor left unread at its depth bounds (PS004 too), in file order.
    unread: list[Unread] = field(default_factory=list)
    generated: bool = False  # a client `protocols generate` wrote
