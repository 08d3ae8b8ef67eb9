"""Move plans in and out: Segment exports, plain JSON Schema and Snowplow Iglu schemas."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from protocols.interop.errors import InteropError

if TYPE_CHECKING:
    from protocols.interop.segment import segment_to_plan
    from protocols.interop.yamlout import dump_plan

# Imported on first use: the command line imports InteropError at start-up, and the
# converters bring the plan loader and YAML with them (tests/test_startup.py).
_LAZY = {"segment_to_plan": "protocols.interop.segment", "dump_plan": "protocols.interop.yamlout"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'protocols.interop' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["InteropError", "dump_plan", "segment_to_plan"]
