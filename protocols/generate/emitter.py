"""What a target language is to ``protocols generate``: one :class:`Emitter` record.

A language is "a new emitter plus templates": its module renders files from the neutral model
(:mod:`protocols.generate.model`) and describes itself with one record, which the registry
(:mod:`protocols.generate.registry`) collects. ``generate()``, the files a language owns in
``--out``, the CLI's ``--lang`` choices and help, the configuration keys and ``protocols scan``
all read the records; none of them names a language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from protocols.generate.model import ClientModel
from protocols.plan.model import MessageKind

# One call of the model: its kind and its wire name (None for identify and group).
CallKey = tuple[MessageKind, str | None]


@dataclass(frozen=True, kw_only=True)
class EmitOptions:
    """The options a render function gets, already checked against its record."""

    sdk: str
    runtime_validation: bool
    tool_version: str
    package: str | None  # the record's default when the user gave none; None if it has none


@dataclass(frozen=True, kw_only=True)
class Emitter:
    """One target language."""

    name: str  # the --lang value
    summary: str  # one line for --help and docs: what the output is, for which SDK
    sdks: tuple[str, ...]  # the SDKs it wraps; the first is the default
    # Glob patterns (relative to --out) of every file it may write: a file matching one that
    # carries protocols' header but was not written this time is left over from other options.
    owned: tuple[str, ...]
    render: Callable[[ClientModel, EmitOptions], dict[str, str]]
    # The method name the generated client gives each call it can send, by (kind, wire
    # name); a call the SDK has no way to send (a page on a mobile SDK) is absent.
    method_names: Callable[[ClientModel], Mapping[CallKey, str]]
    options: frozenset[str] = frozenset()  # option keys it accepts: "sdk", "package", ...
    default_package: str | None = None
    # The error message for a package name the language cannot use, or None when it can.
    check_package: Callable[[str], str | None] | None = None
    # Whether its runtime validation runs the plan's patterns (inside the app, where a search
    # cannot be stopped): generate then refuses patterns that can backtrack (PG004).
    runs_patterns: bool = False


def call_key(kind: MessageKind, wire_name: str | None) -> CallKey:
    return (kind, wire_name)
