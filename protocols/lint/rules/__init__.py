"""Every lint rule module; importing this package registers them all."""

from protocols.lint.rules import (  # noqa: F401
    consistency,
    format,
    naming,
    quality,
    schema_rules,
    template,
)
