"""Generate docs/rules.md from the registries, so the docs cannot drift from the code.

Run ``python -m protocols.docgen > docs/rules.md``; a test fails when the file is stale.
Each command with codes (lint, validate, diff, scan) contributes one section.
"""

from __future__ import annotations

from collections.abc import Callable

from protocols.diff.docs import diff_section
from protocols.lint.registry import all_rules
from protocols.scan.codes import rules_section as scan_section
from protocols.validate.codes import rules_section as validate_section

HEADER = """# Rules and codes

Every finding has a stable code and a readable name; both work in `--select`, `--ignore`,
`--rule CODE=LEVEL`, the plan's `lint.rules` and inline `# protocols: ignore[CODE]` comments.
This file is generated from the code by `python -m protocols.docgen > docs/rules.md`.
"""

_ANCHOR_CHARS = str.maketrans("", "", "`'\"()[]{}.,:/")


def anchor(code: str, name: str) -> str:
    """The GitHub anchor of a rule heading ``### CODE name``: used by SARIF help links."""
    return f"{code} {name}".lower().translate(_ANCHOR_CHARS).replace(" ", "-")


def lint_section() -> str:
    rules = all_rules()
    lines = ["## Lint rules (`protocols lint`)", "",
             "| code | name | category | default | what |", "|---|---|---|---|---|"]
    for rule in rules:
        lines.append(f"| [{rule.code}](#{anchor(rule.code, rule.name)}) | {rule.name} | "
                     f"{rule.category} | {rule.default.value} | {rule.summary} |")
    lines.append("")
    for rule in rules:
        lines += [f"### {rule.code} {rule.name}", "",
                  f"Category: {rule.category}. Default severity: {rule.default.value}.", "",
                  rule.doc.strip(), ""]
    return "\n".join(lines)


# Sections in order; later commands append theirs.
SECTIONS: list[Callable[[], str]] = [lint_section]
SECTIONS.append(validate_section)
SECTIONS.append(diff_section)
SECTIONS.append(scan_section)


def render() -> str:
    return "\n".join([HEADER, *(section() for section in SECTIONS)]).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
