"""The usage examples of docs/generate.md, as the tests compile them.

Each language's section has one fenced block that builds the client (``ProtocolsClient(`` or
``tracking.New(``); :func:`usage_example` returns it, and :func:`wrapped` makes it a file the
language's compiler takes (a function around the statements, the imports it needs). The
examples are written for the end-to-end plan (``write_e2e_plan``), which the docs say.
"""

from __future__ import annotations

import re

from tests.conftest import REPO

DOCS = REPO / "docs" / "generate.md"
_SECTIONS = {"kotlin": "## Kotlin", "java": "## Java", "go": "## Go", "swift": "## Swift"}


def usage_example(lang: str) -> str:
    """The fenced ``lang`` block of the language's section that uses the generated client."""
    text = DOCS.read_text("utf-8")
    start = text.index("\n" + _SECTIONS[lang]) + 1
    end = text.find("\n## ", start + 1)
    section = text[start:end if end != -1 else len(text)]
    blocks = [b for b in re.findall(rf"^```{lang}\n(.*?)^```$", section, flags=re.M | re.S)
              if "ProtocolsClient(" in b or "tracking.New(" in b]
    assert len(blocks) == 1, f"{lang}: expected one usage example in {_SECTIONS[lang]}, found {len(blocks)}"
    return blocks[0]


def wrapped(lang: str, package: str) -> str:
    """The usage example of ``lang`` as a source file, the client in ``package``."""
    example = usage_example(lang)
    if lang == "kotlin":
        return (f"package {package}\n\nimport com.segment.analytics.kotlin.core.Analytics\n\n"
                f"fun docsExample() {{\n{example}}}\n")
    if lang == "java":
        body = "".join(f"        {line}\n" if line else "\n" for line in example.splitlines())
        return (f"package {package};\n\nimport com.segment.analytics.Analytics;\n"
                "import java.util.List;\n\nfinal class DocsExample {\n    private DocsExample() {\n"
                f"    }}\n\n    static void run() {{\n{body}    }}\n}}\n")
    if lang == "go":
        imports, _, statements = example.partition(")\n")
        imports = imports.replace('"example.com/shop/internal/tracking"', f'"{package}"')
        return (f"package main\n\n{imports})\n\nfunc main() {{\n\twriteKey := \"WRITE_KEY\"\n"
                f"{statements}\t_ = err\n}}\n")
    raise ValueError(f"no wrapper for {lang}")
