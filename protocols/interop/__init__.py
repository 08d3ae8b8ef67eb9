"""Move plans in and out: Segment exports, plain JSON Schema and Snowplow Iglu schemas."""

from protocols.interop.errors import InteropError
from protocols.interop.segment import segment_to_plan
from protocols.interop.yamlout import dump_plan

__all__ = ["InteropError", "dump_plan", "segment_to_plan"]
