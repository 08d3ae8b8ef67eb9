"""Shared test vectors for every generated language: the plans, and one row per language.

One set of plans drives every language's tests (tests/test_generate_vectors.py), so a new
language is a new :class:`Row` here, not a new suite:

- the shipped e-commerce plan;
- Segment Typewriter's edge-case plans (Public API v2 and Config API v1 exports, read through
  ``protocols.interop.segment`` as users import them);
- ``tests/golden/generate/plans/rich.yaml``: every type shape the plan format allows;
- ``tests/golden/generate/plans/hostile.yaml``: keywords of every language, names that collide
  after conversion, non-ASCII and digit-first names, and descriptions that try to leave
  comments and strings.

A row says how its language spells a string literal (wire names must appear exactly), how to
run its real checker over several generated folders at once (one compile per session), and
how to strip comments and string literals (the injection oracle: hostile text may live only
there).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.generate.escape import go_str, js_str, py_str, swift_str
from protocols.generate.jvm import java_str, kotlin_str
from protocols.interop.segment import segment_to_plan
from protocols.interop.yamlout import dump_plan
from protocols.plan import Plan, load_plan
from tests.conftest import FIXTURES, REPO
from tests.generate_tools import (
    go_available,
    go_module,
    jvm_missing,
    run_go,
    run_gofmt,
    run_javac,
    run_kotlinc,
    run_mypy,
    run_tsc,
)

PLANS_DIR = REPO / "tests" / "golden" / "generate" / "plans"
PLAN_NAMES = ("ecommerce", "typewriter", "typewriter_v1", "rich", "hostile")

# What hostile descriptions and names try to run; it may only ever be comment or string text.
PAYLOAD_WORDS = ("System.exit", "Pwned", "PWNED")


def load_vector(name: str, folder: Path) -> Plan | None:
    """The plan of a vector; None when it is a public fixture that is absent here."""
    if name == "ecommerce":
        return load_plan(REPO / "plans" / "ecommerce.yaml")
    if name in ("rich", "hostile"):
        return load_plan(PLANS_DIR / f"{name}.yaml")
    export_file = FIXTURES / "segment-typewriter" / ("plan.json" if name == "typewriter" else "plan-v1.json")
    if not export_file.exists():
        return None
    data, _warnings = segment_to_plan(json.loads(export_file.read_text("utf-8")), plan_id="typewriter")
    path = folder / f"{name}.yaml"
    path.write_text(dump_plan(data), "utf-8")
    return load_plan(path)


Checker = Callable[[Path, dict[str, Path]], subprocess.CompletedProcess[str]]


@dataclass(frozen=True)
class Row:
    """One language (and SDK) in the shared vectors."""

    id: str
    lang: str
    literal: Callable[[str], str]  # a string literal whose value is the text
    check: Checker  # the real checker over {plan name: generated folder}, run inside a folder
    code_only: Callable[[str], str]  # the source without its comments and string literals
    options: dict[str, Any] = field(default_factory=dict)
    missing: Callable[[], str | None] = lambda: None  # why the checker cannot run here
    # The folder a plan is generated into, and the options that go with it (a package...).
    folder: Callable[[str], str] = lambda plan: f"vec_{plan}"
    plan_options: Callable[[str], dict[str, Any]] = lambda plan: {}
    # Other exact spellings of a wire name in this language (Go writes property names in
    # struct tags: `json:"name"`), accepted besides ``literal``.
    also: Callable[[str], tuple[str, ...]] = lambda name: ()


# -- Python ----------------------------------------------------------------------------------

def _check_python(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    return run_mypy(folder, *(out.name for out in outs.values()))


def python_code_only(text: str) -> str:
    kept: list[str] = []
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in (tokenize.COMMENT, tokenize.STRING):
            kept.append(token.string)
    return " ".join(kept)


# -- C-like languages (TypeScript, Kotlin, Java...) --------------------------------------------

def c_code_only(text: str, *, nested: bool = False, templates: bool = False,
                backticks: bool = False) -> str:
    """Source without ``//`` and ``/* */`` comments and ``"..."`` strings.

    ``nested``: block comments nest (Kotlin, Swift). ``templates``: ``$name`` and ``${...}``
    inside a string are code (Kotlin): they are kept in the result so the oracle sees them.
    ``backticks``: `...` are template literals whose ``${`` is code (TypeScript).
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "//":
            while i < n and text[i] != "\n":
                i += 1
        elif two == "/*":
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                elif nested and text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                else:
                    i += 1
        elif text[i] == '"' or (backticks and text[i] == "`"):
            quote, i = text[i], i + 1
            while i < n and text[i] != quote:
                if text[i] == "\\":
                    i += 2
                    continue
                if text[i] == "\n" and quote == '"':
                    out.append("<<newline in a string>>")
                if (templates or quote == "`") and text[i] == "$" and i + 1 < n and (
                        text[i + 1] == "{" or (templates and text[i + 1].isalpha())):
                    # A template runs code: what follows is code, for the oracle to see.
                    end = text.find("}", i) if text[i + 1] == "{" else i + 1
                    while end < n and templates and text[i + 1] != "{" and text[end].isalnum():
                        end += 1
                    out.append(" " + text[i:end + 1] + " ")
                i += 1
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _check_typescript(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    files = sorted(str(p.relative_to(folder)) for out in outs.values() for p in out.glob("*.ts"))
    return run_tsc(folder, files)


def _check_kotlin(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    files = sorted(str(p.relative_to(folder)) for out in outs.values() for p in out.glob("*.kt"))
    return run_kotlinc(folder, files)


def _check_java(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    files = sorted(str(p.relative_to(folder)) for out in outs.values() for p in out.glob("*.java"))
    return run_javac(folder, files)


# -- Go ----------------------------------------------------------------------------------------

def _check_go(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    """gofmt (any file it would change fails) then go vet over every generated package."""
    go_module(folder)
    gofmt = run_gofmt(folder)
    if gofmt.returncode or gofmt.stdout:
        return subprocess.CompletedProcess(gofmt.args, 1, f"gofmt would change: {gofmt.stdout}",
                                           gofmt.stderr)
    return run_go(folder, "vet", *(f"./{out.relative_to(folder).as_posix()}" for out in outs.values()))


def go_code_only(text: str) -> str:
    """Go source without comments, "..." strings, `...` raw strings (struct tags) and runes."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            i = text.find("*/", i + 2) + 2 if "*/" in text[i + 2:] else n
        elif text[i] in "\"'`":
            quote, i = text[i], i + 1
            while i < n and text[i] != quote:
                if text[i] == "\n" and quote != "`":
                    out.append("<<newline in a string>>")
                i += 2 if text[i] == "\\" and quote != "`" else 1
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# -- Swift (no compiler here: the tree-sitter Swift grammar; CI's swift job compiles) -----------

def swift_parser_missing() -> str | None:
    try:
        import tree_sitter  # noqa: F401
        import tree_sitter_swift  # noqa: F401
    except ImportError:
        return "tree-sitter and tree-sitter-swift are not installed: pip install -e '.[test]'"
    return None


def swift_syntax_errors(text: str) -> list[str]:
    """Every ERROR or MISSING node the tree-sitter Swift grammar finds, with line:column."""
    from tree_sitter import Language, Node, Parser
    from tree_sitter_swift import language

    tree = Parser(Language(language())).parse(text.encode("utf-8"))
    found: list[str] = []
    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            row, column = node.start_point
            kind = "MISSING " + node.type if node.is_missing else "ERROR"
            found.append(f"{row + 1}:{column + 1}: {kind}")
        stack.extend(reversed(node.children))
    return found


def _check_swift(folder: Path, outs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    report = [f"{path.relative_to(folder)}:{error}" for out in outs.values()
              for path in sorted(out.glob("*.swift"))
              for error in swift_syntax_errors(path.read_text("utf-8"))]
    return subprocess.CompletedProcess(["tree-sitter-swift"], 1 if report else 0, "\n".join(report), "")


def swift_code_only(text: str) -> str:
    """Swift source without comments (block comments nest) and string literals; what a
    ``\\(...)`` interpolation inside a string holds is code, so it is kept for the oracle."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else n
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                step = text[i:i + 2]
                depth += 1 if step == "/*" else -1 if step == "*/" else 0
                i += 2 if step in ("/*", "*/") else 1
        elif text[i] == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\n":
                    out.append("<<newline in a string>>")
                if text.startswith("\\(", i):  # interpolation: code until the parenthesis closes
                    depth, start = 0, i + 1
                    while i < n:
                        depth += {"(": 1, ")": -1}.get(text[i], 0)
                        i += 1
                        if depth == 0 and text[i - 1] == ")":
                            break
                    out.append(" " + text[start:i] + " ")
                    continue
                i += 2 if text[i] == "\\" else 1
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


ROWS: list[Row] = [
    Row("python", "python", py_str, _check_python, python_code_only),
    *(Row(f"typescript-{sdk.split('-')[1]}", "typescript", js_str, _check_typescript,
          lambda text: c_code_only(text, backticks=True), {"sdk": sdk})
      for sdk in ("analytics-node", "analytics-next")),
    Row("kotlin", "kotlin", kotlin_str, _check_kotlin,
        lambda text: c_code_only(text, nested=True, templates=True),
        missing=lambda: jvm_missing("kotlin"),
        plan_options=lambda plan: {"package": f"vectors.{plan}"}),
    Row("java", "java", java_str, _check_java, lambda text: c_code_only(java_prelex(text)),
        missing=lambda: jvm_missing("java"),
        plan_options=lambda plan: {"package": f"vectors.{plan}"}),
    Row("go", "go", go_str, _check_go, go_code_only,
        also=lambda name: (f'`json:"{name}"`', f'`json:"{name},omitempty"`'),
        missing=lambda: None if go_available() else
        "go and analytics-go are not installed: run bash tests/setup.d/50-go.sh"),
    Row("swift", "swift", swift_str, _check_swift, swift_code_only, missing=swift_parser_missing),
]


def wire_names(plan: Plan, lang: str) -> set[str]:
    """Every name the plan puts on the wire: events, pages, screens, properties, enum values,
    of the calls ``lang``'s client can send (analytics-kotlin has no page call)."""
    from protocols.generate import method_names

    sendable = set(method_names(plan, lang))
    found: set[str] = set()

    def walk(schema: Any) -> None:
        if isinstance(schema, dict):
            for key, value in schema.items():
                if key in ("properties", "$defs") and isinstance(value, dict):
                    if key == "properties":
                        found.update(value)
                    for sub in value.values():
                        walk(sub)
                elif key == "enum" and isinstance(value, list):
                    found.update(v for v in value if isinstance(v, str))
                elif key not in ("description", "examples", "pattern"):
                    walk(value)
        elif isinstance(schema, list):
            for item in schema:
                walk(item)

    for spec in plan.messages():
        if (spec.kind, spec.name) not in sendable:
            continue
        if spec.name:
            found.add(spec.name)
        walk(spec.schema)
    return found


def unsafe_characters(text: str) -> list[str]:
    """Characters no generated file may hold raw: controls (but newline and tab), bidi and
    format characters, line separators, surrogates (escape.is_unsafe)."""
    from protocols.generate.escape import is_unsafe

    return sorted({f"U+{ord(c):04X}" for c in text if c not in "\n\t" and is_unsafe(c)})


JAVA_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u+([0-9a-fA-F]{4})")


def java_prelex(text: str) -> str:
    """What javac reads: ``\\uXXXX`` escapes are replaced everywhere first, comments included
    (JLS 3.3), so a description with ``\\u000a`` or ``\\u002a/`` could end a comment."""
    return JAVA_UNICODE_ESCAPE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), text)
