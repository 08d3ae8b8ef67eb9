"""Scan settings: ``[tool.protocols.scan]`` checked value by value, then the flags on top.

An unknown key or a bad value is a :class:`SettingsError` naming the key, never a default
taken in silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from protocols.naming import did_you_mean
from protocols.plan.model import MESSAGE_KINDS, MessageKind
from protocols.scan.codes import FAIL_CATEGORIES, Category

DEFAULT_MAX_FILE_SIZE = 1024 * 1024
# Substrings (any case) of the receiver of a raw SDK call: analytics.track, self._client.track,
# Analytics.main.track. A `.group(1)` on a regex match is not an SDK call.
DEFAULT_RECEIVERS = ("analytics", "segment", "tracking", "tracker", "client")
DEFAULT_FAIL_ON: frozenset[Category] = frozenset({"unplanned", "drift"})
WRAPPER_KEYS = frozenset({"call", "event_arg", "properties_arg", "kind", "event"})


# The most max_file_size may say. The configuration is as hostile as the code it scans: a
# 50 MB minified file allowed by `max_file_size = 104857600` ran for five minutes and out of
# a 4 GB address space (tree-sitter then crashes); 5 MB of dense calls took 19 s and 680 MB.
MAX_FILE_SIZE_CEILING = 8 * 1024 * 1024


class SettingsError(ValueError):
    """A bad ``[tool.protocols.scan]`` value or flag."""


@dataclass(frozen=True)
class Wrapper:
    """A function of the team's own that sends a tracking call.

    ``call`` is the function or method name (``trackEvent``), or a dotted name matched
    against the end of the callee (``tracker.send``). ``event_arg``/``properties_arg`` are a
    position (0-based) or the keyword/label of the argument; ``event`` fixes the name for a
    wrapper that sends one event (``trackCheckoutStarted(props)``).
    """

    call: str
    kind: MessageKind = "track"
    event_arg: int | str | None = 0
    properties_arg: int | str | None = None
    event: str | None = None

    @property
    def method(self) -> str:
        return self.call.rsplit(".", 1)[-1]


@dataclass(frozen=True, kw_only=True)
class ScanSettings:
    exclude: tuple[str, ...] = ()
    wrappers: tuple[Wrapper, ...] = ()
    receivers: tuple[str, ...] = DEFAULT_RECEIVERS
    fail_on: frozenset[Category] = DEFAULT_FAIL_ON
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    gitignore: bool = True
    plan: str | None = None
    paths: tuple[str, ...] = field(default=(".",))


def parse_fail_on(values: Iterable[str]) -> frozenset[Category]:
    """``missing,unplanned`` (several values or commas) -> categories; ``never`` -> none."""
    chosen: set[str] = set()
    for value in values:
        for part in str(value).split(","):
            word = part.strip().lower()
            if word:
                chosen.add(word)
    if "never" in chosen:
        if len(chosen) > 1:
            raise SettingsError("--fail-on never cannot be combined with other categories")
        return frozenset()
    unknown = chosen - set(FAIL_CATEGORIES)
    if unknown:
        raise SettingsError(f"--fail-on takes {', '.join(FAIL_CATEGORIES)} or never, not "
                            f"{', '.join(sorted(unknown))}")
    if not chosen:
        raise SettingsError("--fail-on needs at least one of missing, unplanned, drift, never")
    return frozenset(cast("set[Category]", chosen))


def from_config(section: Mapping[str, Any], where: str) -> ScanSettings:
    """Settings from ``[tool.protocols.scan]`` (``where`` names the file in errors)."""
    values: dict[str, Any] = {}
    if "exclude" in section:
        values["exclude"] = _strings(section["exclude"], f"{where}: [scan] exclude")
    if "paths" in section:
        values["paths"] = _strings(section["paths"], f"{where}: [scan] paths") or (".",)
    if "receivers" in section:
        values["receivers"] = _strings(section["receivers"], f"{where}: [scan] receivers")
    if "fail_on" in section:
        raw = section["fail_on"]
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise SettingsError(f"{where}: [scan] fail_on must be a list of strings")
        try:
            values["fail_on"] = parse_fail_on(items)
        except SettingsError as exc:
            raise SettingsError(f"{where}: [scan] fail_on: {exc}") from None
    if "max_file_size" in section:
        size = section["max_file_size"]
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
            raise SettingsError(f"{where}: [scan] max_file_size must be a positive number of "
                                f"bytes, not {size!r}")
        if size > MAX_FILE_SIZE_CEILING:
            raise SettingsError(f"{where}: [scan] max_file_size is at most "
                                f"{MAX_FILE_SIZE_CEILING} bytes (8 MiB), not {size}: the "
                                "configuration comes with pull requests, and a syntax tree "
                                "takes about a hundred times its file's size")
        values["max_file_size"] = size
    if "gitignore" in section:
        if not isinstance(section["gitignore"], bool):
            raise SettingsError(f"{where}: [scan] gitignore must be true or false")
        values["gitignore"] = section["gitignore"]
    if "plan" in section:
        if not isinstance(section["plan"], str):
            raise SettingsError(f"{where}: [scan] plan must be a string")
        values["plan"] = section["plan"]
    if "wrappers" in section:
        values["wrappers"] = parse_wrappers(section["wrappers"], where)
    return ScanSettings(**values)


def parse_wrappers(raw: Any, where: str) -> tuple[Wrapper, ...]:
    if not isinstance(raw, list):
        raise SettingsError(f"{where}: [scan] wrappers must be a list of tables, such as "
                            '[{call = "trackEvent", event_arg = 0, properties_arg = 1}]')
    wrappers: list[Wrapper] = []
    for index, item in enumerate(raw):
        label = f"{where}: [scan] wrappers[{index}]"
        if not isinstance(item, Mapping):
            raise SettingsError(f"{label} must be a table with at least `call`")
        for key in item:
            if key not in WRAPPER_KEYS:
                hint = did_you_mean(str(key), sorted(WRAPPER_KEYS))
                raise SettingsError(f"{label}: unknown key {key!r}" + (
                    f"; did you mean {hint!r}?" if hint else
                    f" (known: {', '.join(sorted(WRAPPER_KEYS))})"))
        call = item.get("call")
        if not isinstance(call, str) or not call.strip() or any(c.isspace() for c in call):
            raise SettingsError(f"{label}: `call` must be a function or method name")
        kind = item.get("kind", "track")
        if kind not in MESSAGE_KINDS:
            raise SettingsError(f"{label}: `kind` must be one of {', '.join(MESSAGE_KINDS)}")
        event = item.get("event")
        if event is not None and (not isinstance(event, str) or not event):
            raise SettingsError(f"{label}: `event` must be a non-empty string")
        default_event: int | None = 0 if kind in ("track", "page", "screen") and event is None \
            else None
        event_arg = _argument(item.get("event_arg", default_event), f"{label}: `event_arg`")
        if kind in ("identify", "group") and "event_arg" in item:
            raise SettingsError(f"{label}: {kind} calls have no event name; drop `event_arg`")
        properties_arg = _argument(item.get("properties_arg"), f"{label}: `properties_arg`")
        wrappers.append(Wrapper(call.strip(), cast("MessageKind", kind),
                                event_arg if event is None else None, properties_arg, event))
    return tuple(wrappers)


def _argument(value: Any, label: str) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SettingsError(f"{label} must be a position (0, 1...) or a keyword name")
    if isinstance(value, int) and value < 0:
        raise SettingsError(f"{label} must be 0 or more")
    if isinstance(value, str) and not value.strip():
        raise SettingsError(f"{label} must not be empty")
    return value


def _strings(value: Any, label: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{label} must be a list of strings")
    return tuple(value)
