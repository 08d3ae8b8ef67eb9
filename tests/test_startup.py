"""Start-up: the command line imports what a command needs when the command runs, so that
``protocols --version`` and ``protocols --help`` start fast (issue 14: under 0.15 s on a
quiet machine). Held by what gets imported, not by a timing (a shared machine's timings
move); benchmarks/bench_startup.py measures the time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

# The heavy packages only commands need: the schema engine, the fast JSON parser, rich's
# tables and consoles, templates, parsers of source code, the web server, YAML.
HEAVY = ("jsonschema", "msgspec", "rich.table", "rich.console", "jinja2", "tree_sitter",
         "starlette", "uvicorn", "yaml", "referencing", "regex")

PROBE = """
import json, sys
{code}
print(json.dumps(sorted(sys.modules)))
"""


def _imported(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(code=code)], capture_output=True,
                          text=True, check=True, cwd=REPO)
    return set(json.loads(done.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in modules
                  if any(name == heavy or name.startswith(heavy + ".") for heavy in HEAVY))


def test_importing_the_command_line_imports_no_heavy_package() -> None:
    assert _heavy(_imported("import protocols.cli")) == []
    assert _heavy(_imported("import protocols")) == []


def test_version_and_help_run_without_them() -> None:
    for args in (["--version"], ["--help"]):
        code = (f"sys.argv = ['protocols', *{args!r}]\n"
                "from protocols.cli import main\n"
                "try:\n    main()\nexcept SystemExit:\n    pass\n")
        assert _heavy(_imported(code)) == [], args


def test_the_api_still_imports_on_first_use() -> None:
    import protocols

    assert protocols.load_plan.__module__ == "protocols.plan.loader"
    assert protocols.Validator.__name__ == "Validator"
    listed = dir(protocols)
    assert "load_plan" in listed and "__version__" in listed
    assert not {"Any", "TYPE_CHECKING", "annotations", "import_module"} & set(listed)
    modules = _imported("import protocols\nprotocols.Validator")
    assert "jsonschema" in modules or "msgspec" in modules  # the engine came with it


def test_the_names_the_help_repeats_are_the_cores() -> None:
    from protocols.cli import diff, output, validate
    from protocols.diff.accepted import DEFAULT_FILE
    from protocols.report import REPORTERS
    from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD

    assert tuple(REPORTERS) == output.FORMATS
    assert validate.DEFAULT_SOURCE_FIELD == DEFAULT_SOURCE_FIELD
    assert diff.DEFAULT_FILE == DEFAULT_FILE


def test_validate_to_json_imports_no_other_command_s_packages(tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    log.write_text('{"type": "track", "event": "Order Completed", "userId": "u1", '
                   '"properties": {}}\n', "utf-8")
    args = ["validate", "--plan", "plans/ecommerce.yaml", str(log), "-f", "json", "-o",
            str(tmp_path / "report.json")]
    code = (f"sys.argv = ['protocols', *{args!r}]\n"
            "from protocols.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n")
    modules = _imported(code)
    assert (tmp_path / "report.json").is_file()
    assert "jsonschema" in modules  # (the engine: what validate needs comes)
    # (pydantic: typer 0.29 converts every argument with it, 0.07 s of every command's
    # start-up; pyproject.toml pins typer 0.28)
    unneeded = ("rich", "jinja2", "tree_sitter", "starlette", "uvicorn", "protocols.scan",
                "protocols.generate", "protocols.docsite", "protocols.report.html", "pydantic")
    assert sorted(m for m in modules
                  if any(m == name or m.startswith(name + ".") for name in unneeded)) == []
