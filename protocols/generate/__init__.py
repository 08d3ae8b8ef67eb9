"""``protocols generate``: typed tracking clients from a plan.

The plan is read once into a language-neutral model (:mod:`protocols.generate.model`); each
target language is a small emitter (:mod:`.python`, :mod:`.typescript`...) made of a type
mapping, a naming policy (:mod:`.names`) and templates, described by one
:class:`~protocols.generate.emitter.Emitter` record in :mod:`.registry`. Output is
deterministic: the same plan and options give byte-identical files, with a header naming the
plan, its version and the protocols version, and no timestamp.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from protocols.__about__ import __version__
from protocols.diagnostics import Diagnostic, Severity
from protocols.fileguard import write_text
from protocols.generate.emitter import GENERATED_MARK, CallKey, EmitOptions, Emitter
from protocols.generate.model import build_model
from protocols.generate.registry import EMITTERS, LANGUAGES
from protocols.generate.safety import plan_findings
from protocols.plan.model import Plan

Language = str  # a key of EMITTERS
Sdk = str
SDKS: dict[str, tuple[str, ...]] = {name: emitter.sdks for name, emitter in EMITTERS.items()}


class GenerateError(ValueError):
    """Options that cannot work together (an SDK of another language...)."""


class UnsafePlanError(GenerateError):
    """The plan holds what no client can carry safely (``diagnostics`` say where)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s) no generated client can carry safely")
        self.diagnostics = diagnostics


@dataclass(frozen=True, kw_only=True)
class GenerateOptions:
    lang: Language
    sdk: Sdk | None = None  # None: the language's first SDK
    runtime_validation: bool = True
    package: str | None = None  # None: the language's default package, if it has packages
    tool_version: str = __version__
    # Generate despite risky patterns (they are left out of runtime validation).
    force: bool = False

    @property
    def chosen_sdk(self) -> Sdk:
        return self.sdk or SDKS[self.lang][0]


def emitter_for(lang: str) -> Emitter:
    """The record of ``lang``, or a :class:`GenerateError` listing the languages."""
    emitter = EMITTERS.get(lang)
    if emitter is None:
        raise GenerateError(f"unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")
    return emitter


def check_options(options: GenerateOptions) -> EmitOptions:
    """The options a language's render function gets, or a clear :class:`GenerateError`."""
    emitter = emitter_for(options.lang)
    if options.chosen_sdk not in emitter.sdks:
        raise GenerateError(f"--sdk {options.chosen_sdk} does not fit {options.lang} "
                            f"(choose from {', '.join(emitter.sdks)})")
    package = options.package
    if package is not None:
        if "package" not in emitter.options or emitter.check_package is None:
            raise GenerateError(f"--package does not apply to {options.lang} (it applies to "
                                f"{', '.join(n for n, e in EMITTERS.items() if 'package' in e.options)})")
        problem = emitter.check_package(package)
        if problem:
            raise GenerateError(f"--package {package!r} is not a {options.lang} package: {problem}")
    return EmitOptions(sdk=options.chosen_sdk, runtime_validation=options.runtime_validation,
                       tool_version=options.tool_version,
                       package=package if package is not None else emitter.default_package)


def generate(plan: Plan, options: GenerateOptions, *,
             findings: Sequence[Diagnostic] | None = None) -> dict[str, str]:
    """The generated files of ``plan``, by path relative to the output folder. ``findings``:
    :func:`plan_findings` of this plan for these options, when the caller has them already
    (the command shows them before generating); an error among them refuses the plan."""
    emit = check_options(options)
    emitter = emitter_for(options.lang)
    if findings is None:
        findings = plan_findings(plan, lang=options.lang, force=options.force,
                                 patterns=emitter.runs_patterns)
    problems = [d for d in findings if d.severity is Severity.ERROR]
    if problems:
        raise UnsafePlanError(problems)
    return emitter.render(build_model(plan), emit)


def method_names(plan: Plan, lang: str) -> Mapping[CallKey, str]:
    """The method the ``lang`` client generated from ``plan`` has for each call it can send,
    by (kind, wire name): how ``protocols scan`` recognises calls through generated clients."""
    return emitter_for(lang).method_names(build_model(plan))


@dataclass(frozen=True)
class StaleFile:
    path: Path
    diff: str  # unified diff from what is on disk to what the plan generates


# Every file a language's generator may write (glob patterns): one it did not write this time
# but finds (with its header) in the output folder is left over from other options, so stale.
OWNED_FILES: dict[str, tuple[str, ...]] = {name: e.owned for name, e in EMITTERS.items()}
_HEADERS = (f"# {GENERATED_MARK}", f"// {GENERATED_MARK}")


def _ours(target: Path) -> bool:
    """Whether a file on disk starts with the header every generated file has."""
    try:
        with target.open(encoding="utf-8") as handle:
            return handle.readline().startswith(_HEADERS)
    except (OSError, UnicodeDecodeError):
        return False


def leftover_files(lang: Language, files: Mapping[str, str], out: Path) -> list[Path]:
    """Files this generator wrote earlier that the current options no longer produce."""
    found: list[Path] = []
    candidates = sorted({path for pattern in OWNED_FILES[lang] for path in out.glob(pattern)})
    for target in candidates:
        relative = target.relative_to(out).as_posix()
        if relative in files or not target.is_file():
            continue
        if _ours(target):  # never touch a file protocols did not write
            found.append(target)
    return found


def stale_files(files: Mapping[str, str], out: Path, *,
                lang: Language | None = None) -> list[StaleFile]:
    """Generated files that differ from (or are missing in) ``out``, with a diff each.

    With ``lang``, files left over from other options count as stale too (diff to nothing).
    """
    stale: list[StaleFile] = []
    for target in leftover_files(lang, files, out) if lang else []:
        leftover = target.read_text("utf-8", errors="replace")
        diff = "".join(difflib.unified_diff(leftover.splitlines(keepends=True), [],
                                            fromfile=f"{target} (on disk)", tofile="/dev/null"))
        stale.append(StaleFile(target, diff))
    for relative, text in sorted(files.items()):
        target = out / relative
        try:
            current = target.read_text("utf-8") if target.exists() else None
        except (OSError, UnicodeDecodeError):
            current = ""
        if current == text:
            continue
        diff = "".join(difflib.unified_diff(
            (current or "").splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"{target} (on disk)" if current is not None else "/dev/null",
            tofile=f"{target} (generated)"))
        stale.append(StaleFile(target, diff))
    return stale


def write_files(files: Mapping[str, str], out: Path, *,
                lang: Language | None = None) -> list[Path]:
    """Write the generated files (only those that changed); returns the paths written.

    With ``lang``, generated files the current options no longer produce are removed.
    """
    foreign = [out / relative for relative in sorted(files)
               if (out / relative).exists() and not _ours(out / relative)]
    if foreign:
        # The header is the marker: a file without it was written by someone else.
        raise GenerateError(
            f"{foreign[0]} exists and was not written by `protocols generate` (its first line "
            "is not a 'Generated by protocols' header); nothing was written: move it, or "
            "choose another --out" + (f" ({len(foreign)} such files)" if len(foreign) > 1
                                      else ""))
    written: list[Path] = []
    for target in leftover_files(lang, files, out) if lang else []:
        target.unlink()
        written.append(target)
    for relative, text in sorted(files.items()):
        target = out / relative
        if target.exists() and target.read_bytes() == text.encode("utf-8"):
            continue
        write_text(target, text)  # atomic: a half-written client never reaches the build
        written.append(target)
    return written


__all__ = ["EMITTERS", "LANGUAGES", "OWNED_FILES", "SDKS", "Emitter", "GenerateError", "GenerateOptions",
           "StaleFile", "UnsafePlanError", "check_options", "emitter_for", "generate",
           "leftover_files", "method_names", "stale_files", "write_files"]
