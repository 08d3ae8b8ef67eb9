"""``protocols generate``: typed tracking clients from a plan.

The plan is read once into a language-neutral model (:mod:`protocols.generate.model`); each
target language is a small emitter (:mod:`.python`, :mod:`.typescript`) made of a type
mapping, a naming policy (:mod:`.names`) and templates. Output is deterministic: the same plan
and options give byte-identical files, with a header naming the plan, its version and the
protocols version, and no timestamp.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from protocols.__about__ import __version__
from protocols.generate.model import build_model
from protocols.generate.python import render_python
from protocols.generate.typescript import render_typescript
from protocols.plan.model import Plan

Language = Literal["python", "typescript"]
Sdk = Literal["analytics-python", "analytics-node", "analytics-next"]
LANGUAGES: tuple[Language, ...] = ("python", "typescript")
SDKS: dict[Language, tuple[Sdk, ...]] = {
    "python": ("analytics-python",),
    "typescript": ("analytics-node", "analytics-next"),
}


class GenerateError(ValueError):
    """Options that cannot work together (an SDK of another language...)."""


@dataclass(frozen=True, kw_only=True)
class GenerateOptions:
    lang: Language
    sdk: Sdk | None = None  # None: the language's first SDK
    runtime_validation: bool = True
    tool_version: str = __version__

    @property
    def chosen_sdk(self) -> Sdk:
        return self.sdk or SDKS[self.lang][0]


def generate(plan: Plan, options: GenerateOptions) -> dict[str, str]:
    """The generated files of ``plan``, by path relative to the output folder."""
    if options.lang not in LANGUAGES:
        raise GenerateError(f"unknown language {options.lang!r} (choose from {', '.join(LANGUAGES)})")
    if options.chosen_sdk not in SDKS[options.lang]:
        raise GenerateError(f"--sdk {options.chosen_sdk} does not fit {options.lang} "
                            f"(choose from {', '.join(SDKS[options.lang])})")
    model = build_model(plan)
    if options.lang == "python":
        return render_python(model, runtime_validation=options.runtime_validation,
                             tool_version=options.tool_version)
    return render_typescript(model, sdk=options.chosen_sdk,
                             runtime_validation=options.runtime_validation,
                             tool_version=options.tool_version)


@dataclass(frozen=True)
class StaleFile:
    path: Path
    diff: str  # unified diff from what is on disk to what the plan generates


def stale_files(files: Mapping[str, str], out: Path) -> list[StaleFile]:
    """Generated files that differ from (or are missing in) ``out``, with a diff each."""
    stale: list[StaleFile] = []
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


def write_files(files: Mapping[str, str], out: Path) -> list[Path]:
    """Write the generated files (only those that changed); returns the paths written."""
    written: list[Path] = []
    for relative, text in sorted(files.items()):
        target = out / relative
        if target.exists() and target.read_bytes() == text.encode("utf-8"):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        written.append(target)
    return written


__all__ = ["LANGUAGES", "SDKS", "GenerateError", "GenerateOptions", "StaleFile", "generate",
           "stale_files", "write_files"]
