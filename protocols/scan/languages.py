"""The languages scan reads, their file extensions and their tree-sitter grammars.

Grammars come from the per-language packages on PyPI (tree-sitter-python, -javascript,
-typescript, -kotlin, -swift, -java, -go), imported when a file of that language is first
parsed, so a scan of a Python project never loads the Swift grammar.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from pathlib import PurePath

from tree_sitter import Language, Parser

# Language name -> (module, function giving the grammar).
GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "kotlin": ("tree_sitter_kotlin", "language"),
    "swift": ("tree_sitter_swift", "language"),
    "java": ("tree_sitter_java", "language"),
    "go": ("tree_sitter_go", "language"),
}

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".tsx": "tsx",
    ".kt": "kotlin", ".kts": "kotlin",
    ".swift": "swift",
    ".java": "java",
    ".go": "go",
}

# Languages that share one extractor and one namespace for constants.
FAMILY: dict[str, str] = {
    "python": "python", "javascript": "js", "typescript": "js", "tsx": "js",
    "kotlin": "jvm", "java": "jvm", "swift": "swift", "go": "go",
}


def language_of(file_name: str) -> str | None:
    """The language of a file by its extension (``.d.ts`` declarations are TypeScript too)."""
    return EXTENSIONS.get(PurePath(file_name).suffix.lower())


@cache
def grammar(language: str) -> Language:
    module_name, function = GRAMMARS[language]
    module = importlib.import_module(module_name)
    factory: Callable[[], object] = getattr(module, function)
    return Language(factory())


@cache
def parser(language: str) -> Parser:
    return Parser(grammar(language))
