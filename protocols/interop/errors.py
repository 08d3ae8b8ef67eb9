"""The one error type of import and export: a clear message, with a position when known."""

from __future__ import annotations


class InteropError(Exception):
    """Input that cannot be imported (or a plan that cannot be exported), said plainly."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        where = file or ""
        if file and line:
            where += f":{line}:{column or 1}"
        super().__init__(f"{where}: {message}" if where else message)
