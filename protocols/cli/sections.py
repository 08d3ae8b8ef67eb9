"""The commands' own sections of the terminal report, registered when a report is written
(not at start-up: each section's module imports its command's core)."""

from __future__ import annotations


def register_sections() -> None:
    """Give ``protocols.report.text.SECTIONS`` the diff, scan and validate sections."""
    from protocols.diff.section import diff_section
    from protocols.report.text import SECTIONS
    from protocols.scan.textreport import scan_section
    from protocols.validate.textreport import validate_section

    SECTIONS.setdefault("diff", diff_section)
    SECTIONS.setdefault("scan", scan_section)
    SECTIONS.setdefault("validate", validate_section)
