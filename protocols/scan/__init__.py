"""``protocols scan``: find the tracking calls in source code and check them against a plan.

Stages, one module each: :mod:`.walk` (which files), :mod:`.parse` (tree-sitter, bounded
and safe) with one extractor per language under :mod:`.syntax`, :mod:`.resolve` (names to
literals across files), :mod:`.check` (each call against the plan), :mod:`.coverage` (where
each planned message is sent) and :mod:`.run` (the whole run as a report).
"""

from __future__ import annotations

from protocols.scan.run import ScanOutcome, run_scan, scan_tree
from protocols.scan.settings import ScanSettings, SettingsError, Wrapper

__all__ = ["ScanOutcome", "ScanSettings", "SettingsError", "Wrapper", "run_scan", "scan_tree"]
