"""Package metadata kept in one place so the CLI and the generators agree."""

__version__ = "0.1.0"
