"""The ``protocols diff`` section of docs/rules.md, generated from the change-rule registry."""

from __future__ import annotations

from protocols.diff.rules import all_change_rules


def _anchor(code: str, name: str) -> str:
    from protocols.docgen import anchor

    return anchor(code, name)


def diff_section() -> str:
    rules = all_change_rules()
    lines = [
        "## Change rules (`protocols diff`)", "",
        "Each change between two plan versions has a stable id and code, and a level for each",
        "audience: *producers* (the code that sends events) and *consumers* (warehouse models,",
        "dashboards, destinations). Breaking changes are errors, possibly breaking ones",
        "warnings, non-breaking ones notes; `--audience` picks whose levels count (default:",
        "the worse of the two) and `--fail-on` the level that fails the run. `bump` is the",
        "semver part of the plan's `version` the change requires (docs/diff.md).", "",
        "| code | id | category | producers | consumers | bump | what |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(f"| [{rule.code}](#{_anchor(rule.code, rule.id)}) | {rule.id} | "
                     f"{rule.category} | {rule.producers.value} | {rule.consumers.value} | "
                     f"{rule.bump.value if rule.category != 'version' else '-'} | "
                     f"{rule.summary.split(':')[0].rstrip('.')}. |")
    lines.append("")
    for rule in rules:
        lines += [f"### {rule.code} {rule.id}", "",
                  f"Category: {rule.category}. Producers: {rule.producers.value}. "
                  f"Consumers: {rule.consumers.value}.", "", rule.summary, ""]
        if rule.failing:
            lines += [f"Example: `{rule.failing}`", ""]
    return "\n".join(lines)
