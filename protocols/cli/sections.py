"""The commands' own sections of the terminal report, registered when a report is written
(not at start-up: each section's module imports its command's core)."""

from __future__ import annotations

from importlib import import_module

_SECTIONS = {
    "diff": ("protocols.diff.section", "diff_section"),
    "scan": ("protocols.scan.textreport", "scan_section"),
    "validate": ("protocols.validate.write.textreport", "validate_section"),
}


def register_sections(command: str | None = None) -> None:
    """Give ``protocols.report.text.SECTIONS`` the section of ``command`` (None: all of
    them), importing only what that section needs."""
    from protocols.report.text import SECTIONS

    for name, (module, function) in _SECTIONS.items():
        if (command is None or name == command) and name not in SECTIONS:
            SECTIONS[name] = getattr(import_module(module), function)
