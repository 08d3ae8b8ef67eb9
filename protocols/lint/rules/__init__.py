"""Every lint rule module; importing this package registers them all."""

from protocols.lint.rules import format, naming  # noqa: F401
