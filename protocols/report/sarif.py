"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One ``reportingDescriptor`` per code in the run (descriptions, help, help URI into
docs/rules.md, default level), one result per finding located in its plan or log file, the
plan rule as a related location, and stable ``partialFingerprints``.

Every finding of the run is a result (validate's are read from disk once, and only the
results kept are held), up to the 25,000 per run that GitHub code scanning accepts (it
rejects a run with more, and shows the 5,000 most severe): beyond that the most severe are
kept and a ``toolExecutionNotifications`` entry says how many were left out.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.jsontext import exact_pieces
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    PRETTY_LIMIT,
    Fingerprinter,
    display_file,
    json_list,
    suggestion_note,
    top_findings,
)
from protocols.report.rulemeta import RuleInfo, rule_info

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/protocols-dev/protocols"
MAX_RESULTS = 25_000
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "protocolsFinding/v1"


@functools.lru_cache(maxsize=4096)
def artifact_uri(file: str, source_root: str | None) -> str:
    """A relative URI reference for paths in the repository; a file: URI for others."""
    shown = display_file(file, source_root)
    windows = PureWindowsPath(shown)
    if windows.drive:
        return windows.as_uri() if windows.is_absolute() else quote(windows.as_posix())
    posix = PurePosixPath(shown.replace("\\", "/"))
    if posix.is_absolute():
        return posix.as_uri()
    return quote(posix.as_posix(), safe="/")


def _physical(location: Location, options: RenderOptions) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(location.file, options.source_root)}}
    if location.line is not None:
        region: dict[str, int] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def _message(diagnostic: Diagnostic) -> str:
    text = diagnostic.message.rstrip()
    note = suggestion_note(diagnostic)
    if note is not None:
        text += f"; {note}"
    # SARIF viewers show messages as sentences; the validator asks for a final period.
    return text if text.endswith((".", "?", "!")) else text + "."


def _descriptor(info: RuleInfo, options: RenderOptions) -> dict[str, Any]:
    help_uri = info.help_uri(options.rules_url)
    return {
        "id": info.code,
        "name": "".join(part.capitalize() for part in info.name.replace("_", "-").split("-")),
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": info.full_description},
        "help": {"text": f"{info.doc}\n\nDocumentation: {help_uri}",
                 "markdown": f"{info.doc}\n\n[Documentation]({help_uri})"},
        "helpUri": help_uri,
        "defaultConfiguration": {"level": LEVEL.get(info.default, "none")},
        "properties": {"tags": ["protocols"], "documented": info.documented},
    }


def _result(diagnostic: Diagnostic, rule_index: int, fingerprint: str,
            options: RenderOptions) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVEL[diagnostic.severity],
        "message": {"text": _message(diagnostic)},
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    # Code scanning needs a location; a finding without a file points at its plan rule.
    location = diagnostic.location or diagnostic.related
    if location is not None:
        result["locations"] = [{"physicalLocation": _physical(location, options)}]
    if diagnostic.related is not None:
        result["relatedLocations"] = [{
            "id": 1,
            "physicalLocation": _physical(diagnostic.related, options),
            "message": {"text": "The plan rule this finding is about."},
        }]
    properties = {key: value for key, value in (("path", diagnostic.path),
                                                ("event", diagnostic.event),
                                                ("suggestion", diagnostic.suggestion))
                  if value is not None}
    if properties:
        result["properties"] = properties
    return result


def _run(result: RunResult, options: RenderOptions, max_results: int
         ) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The SARIF log without its results, and the findings that become them: the
    ``max_results`` most important of every finding of the run, read once from its stream."""
    kept, total = top_findings(result, max_results, LEVEL)
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for diagnostic in kept:
        if diagnostic.code not in index_of:
            index_of[diagnostic.code] = len(rules)
            info = rule_info(diagnostic.code, name=diagnostic.name, severity=diagnostic.severity)
            rules.append(_descriptor(info, options))
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if total > len(kept):
        invocation["toolExecutionNotifications"] = [{
            "level": "warning",
            "descriptor": {"id": "result-cap"},
            "message": {"text": f"Only the {len(kept):,} most severe of {total:,} "
                                "results are included: code scanning accepts at most "
                                f"{max_results:,} per run. The JSON report lists them all."},
        }]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "protocols",
            "version": options.tool_version or "0",
            "informationUri": INFORMATION_URI,
            "rules": rules,
        }},
        # A category per command, so lint and validate runs uploaded together stay apart.
        "automationDetails": {"id": f"protocols/{result.command}/"},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": [],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}, kept


def _results(kept: list[Diagnostic], options: RenderOptions) -> Iterator[dict[str, Any]]:
    fingerprint = Fingerprinter()
    index_of: dict[str, int] = {}
    for diagnostic in kept:
        index_of.setdefault(diagnostic.code, len(index_of))
        yield _result(diagnostic, index_of[diagnostic.code], fingerprint(diagnostic), options)


def build_sarif(result: RunResult, options: RenderOptions, *,
                max_results: int | None = None) -> dict[str, Any]:
    """The SARIF log as a dict; ``max_results`` caps the results (GitHub's limit,
    MAX_RESULTS, by default)."""
    log, kept = _run(result, options, MAX_RESULTS if max_results is None else max_results)
    log["runs"][0]["results"] = list(_results(kept, options))
    return log


@exact_pieces  # lone surrogates from logs as \u escapes: exact, and writable
def stream_sarif(result: RunResult, options: RenderOptions, *,
                 max_results: int | None = None) -> Iterator[str]:
    """The SARIF log in pieces, each result built as it is written."""
    log, kept = _run(result, options, MAX_RESULTS if max_results is None else max_results)
    pretty = len(kept) <= PRETTY_LIMIT
    text = (json.dumps(log, indent=2, ensure_ascii=False) if pretty else
            json.dumps(log, ensure_ascii=False, separators=(",", ":")))
    # "results" is the run's last key and the run the last of "runs": the empty list is
    # followed by closing brackets only.
    closing = "\n    }\n  ]\n}" if pretty else "}]}"
    assert text.endswith(closing)
    yield text[: -len(closing) - 2]  # without "[]"
    yield from json_list(_results(kept, options), indent=2 if pretty else None, depth=3)
    yield closing + "\n"


def render_sarif(result: RunResult, options: RenderOptions) -> str:
    return "".join(stream_sarif(result, options))
