"""A compiled draft 2020-12 JSON Schema engine with jsonschema's exact semantics.

``compile_schema(schema)`` returns ``check(instance) -> list[SchemaViolation]`` or raises
:class:`Unsupported` for schemas using features left to jsonschema (``unevaluated*``,
``$dynamicRef``, remote references...). See docs/performance.md for what it supports.
"""

from __future__ import annotations

from protocols.validate.check.fastschema.compiler import compile_schema, compile_schema_parts
from protocols.validate.check.fastschema.keywords import Unsupported

__all__ = ["Unsupported", "compile_schema", "compile_schema_parts"]
