"""docs/generate.md's usage examples compile against the client of the plan they are written
for (the end-to-end plan): Java with javac, Go with go vet, Swift parsed and checked call by
call (tests/swift_calls.py; CI's swift job compiles). Kotlin's example is compiled with the
Kotlin mistakes, in one kotlinc run (tests/test_generate_kotlin.py)."""

from __future__ import annotations

from pathlib import Path

from protocols.generate import GenerateOptions, generate, write_files
from protocols.plan import load_plan
from tests.conftest import require
from tests.generate_docs import usage_example, wrapped
from tests.generate_tools import go_available, go_module, jvm_missing, run_go, run_javac
from tests.generate_vectors import swift_parser_missing, swift_syntax_errors
from tests.swift_calls import call_problems, generated_api
from tests.test_generate_e2e import write_e2e_plan


def test_the_java_example_compiles(tmp_path: Path) -> None:
    require(jvm_missing("java") is None, f"java: {jvm_missing('java')}")
    plan = load_plan(write_e2e_plan(tmp_path))
    write_files(generate(plan, GenerateOptions(lang="java", package="shop")), tmp_path / "shop")
    (tmp_path / "DocsExample.java").write_text(wrapped("java", "shop"), "utf-8")
    sources = ["DocsExample.java", *sorted(str(p.relative_to(tmp_path))
                                           for p in (tmp_path / "shop").glob("*.java"))]
    result = run_javac(tmp_path, sources)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_go_example_compiles(tmp_path: Path) -> None:
    require(go_available(), "go and analytics-go are not installed: run bash tests/setup.d/50-go.sh")
    go_module(tmp_path)
    write_files(generate(load_plan(write_e2e_plan(tmp_path)), GenerateOptions(lang="go")),
                tmp_path / "tracking")
    (tmp_path / "main.go").write_text(wrapped("go", "protocolstest/tracking"), "utf-8")
    result = run_go(tmp_path, "vet", ".")
    assert result.returncode == 0, result.stderr


def test_the_swift_example_parses_and_calls_what_the_client_declares(tmp_path: Path) -> None:
    missing = swift_parser_missing()
    require(missing is None, missing or "")
    example = usage_example("swift")
    assert swift_syntax_errors(example) == []
    source = generate(load_plan(write_e2e_plan(tmp_path)), GenerateOptions(lang="swift"))
    api = generated_api(source["Tracking.swift"])
    assert call_problems(example, api) == []
    assert "tracking." in example and "ProtocolsClient(analytics)" in example


LANGUAGE_NAMES = {"python": "Python", "typescript": "TypeScript", "kotlin": "Kotlin",
                  "java": "Java", "go": "Go", "swift": "Swift"}


def test_the_runtime_validation_flag_is_documented_for_what_it_does(tmp_path: Path) -> None:
    """The flag's row names, as "no effect", exactly the languages whose output does not
    change with it, and the CLI's help says the same."""
    from typer.testing import CliRunner

    from protocols.cli import app
    from protocols.generate import LANGUAGES
    from tests.generate_docs import DOCS

    plan = load_plan(write_e2e_plan(tmp_path))
    unaffected = {lang for lang in LANGUAGES
                  if generate(plan, GenerateOptions(lang=lang, runtime_validation=True))
                  == generate(plan, GenerateOptions(lang=lang, runtime_validation=False))}
    assert unaffected == {"kotlin", "java", "swift"}
    row = next(line for line in DOCS.read_text("utf-8").splitlines()
               if line.startswith("| `--runtime-validation"))
    help_text = " ".join(CliRunner().invoke(app, ["generate", "--help"], terminal_width=400).stdout.split())
    for text in (row, help_text):
        clause = next(part for part in text.split(";") if "no effect" in part)
        assert {lang for lang, name in LANGUAGE_NAMES.items() if name in clause} == unaffected, clause


def test_the_command_tables_list_every_language() -> None:
    """README's and docs/commands.md's generate rows name every registered language."""
    from protocols.generate import LANGUAGES
    from tests.conftest import REPO

    for page in (REPO / "README.md", REPO / "docs" / "commands.md"):
        row = next(line for line in page.read_text("utf-8").splitlines()
                   if line.startswith("| `protocols generate --lang "))
        listed = row.split("--lang ", 1)[1].split(" ", 1)[0].split("\\|")
        assert listed == list(LANGUAGES), (page.name, listed)
