"""``protocols generate`` on the command line: flags, config, --check, errors and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from tests.test_generate_python import ECOMMERCE, GOLDEN

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()  # config lookup stops here
    (tmp_path / "plans").mkdir()
    shutil.copy(ECOMMERCE, tmp_path / "plans" / "ecommerce.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_generate_writes_the_files_and_check_passes(project: Path) -> None:
    result = runner.invoke(app, ["generate", "--lang", "python", "--out", "src/tracking"])
    assert result.exit_code == 0, result.output
    written = (project / "src" / "tracking" / "__init__.py").read_text("utf-8")
    assert written == (GOLDEN / "ecommerce" / "python" / "__init__.py").read_text("utf-8")
    check = runner.invoke(app, ["generate", "--lang", "python", "--out", "src/tracking", "--check"])
    assert check.exit_code == 0 and "up to date" in check.output


def test_check_exits_1_with_a_unified_diff_when_stale(project: Path) -> None:
    runner.invoke(app, ["generate", "--lang", "typescript", "--out", "web"])
    index = project / "web" / "index.ts"
    index.write_text(index.read_text("utf-8").replace("currency: ", "currencyy: "), "utf-8")
    before = index.read_bytes()
    result = runner.invoke(app, ["generate", "--lang", "typescript", "--out", "web", "--check"])
    assert result.exit_code == 1
    assert "--- web/index.ts (on disk)" in result.stdout
    assert "-  currencyy: " in result.stdout and "+  currency: " in result.stdout
    assert index.read_bytes() == before  # --check writes nothing
    missing = runner.invoke(app, ["generate", "--lang", "python", "--out", "py", "--check"])
    assert missing.exit_code == 1 and "--- /dev/null" in missing.stdout


def test_settings_come_from_pyproject_so_ci_needs_no_flags(project: Path) -> None:
    (project / "pyproject.toml").write_text("""
[tool.protocols.generate]
plan = "plans/ecommerce.yaml"
runtime_validation = false
targets = [
  {lang = "python", out = "gen/py"},
  {lang = "typescript", sdk = "analytics-next", out = "gen/ts"},
]
""", "utf-8")
    result = runner.invoke(app, ["generate"])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(project).as_posix() for p in (project / "gen").rglob("*.*")) == [
        "gen/py/__init__.py", "gen/ts/index.ts"]
    assert "@segment/analytics-next" in (project / "gen" / "ts" / "index.ts").read_text("utf-8")
    assert runner.invoke(app, ["generate", "--check"]).exit_code == 0
    # A flag wins over the file: --lang replaces the configured targets.
    only = runner.invoke(app, ["generate", "--lang", "python", "--out", "other", "--check"])
    assert only.exit_code == 1


def test_files_left_over_from_other_options_are_stale_and_removed(project: Path) -> None:
    runner.invoke(app, ["generate", "--lang", "typescript", "--out", "web"])
    assert (project / "web" / "validation.ts").exists()
    (project / "web" / "notes.ts").write_text("// mine\n", "utf-8")
    args = ["generate", "--lang", "typescript", "--out", "web", "--no-runtime-validation"]
    check = runner.invoke(app, [*args, "--check"])
    assert check.exit_code == 1
    assert "--- web/validation.ts (on disk)\n+++ /dev/null" in check.stdout
    assert runner.invoke(app, args).exit_code == 0
    assert sorted(p.name for p in (project / "web").iterdir()) == ["index.ts", "notes.ts"]
    assert runner.invoke(app, [*args, "--check"]).exit_code == 0


@pytest.mark.parametrize(("args", "config", "message"), [
    (["--out", "x"], None, "--lang python|typescript|kotlin|java"),
    (["--lang", "python", "--out", "x", "--package", "a.b"], None, "--package does not apply to python"),
    (["--lang", "cobol", "--out", "x"], None, "unknown language 'cobol'"),
    (["--lang", "java", "--out", "x", "--package", "com.class.x"], None,
     "--package 'com.class.x' is not a java package: 'class' is a Java keyword"),
    (["--lang", "kotlin", "--out", "x", "--package", "a..b"], None, "it has an empty part"),
    (["--lang", "python"], None, "--out PATH"),
    (["--lang", "python", "--sdk", "analytics-node", "--out", "x"], None,
     "--sdk 'analytics-node' does not fit python"),
    (["--lang", "python", "--out", "x", "--plan", "nope.yaml"], None, "no such plan file: nope.yaml"),
    ([], "[tool.protocols.generate]\nlangs = 'python'\n", "unknown key 'langs'"),
    ([], "[tool.protocols.generate]\ntargets = [{lang = 'python', out = 'x', colour = 1}]\n",
     "unknown key 'colour' in [generate] targets[0]"),
    ([], "[tool.protocols.generate]\nlang = 'python'\nout = 'x'\nruntime_validation = 'yes'\n",
     "runtime_validation must be true or false"),
])
def test_usage_errors_exit_2_with_a_message(project: Path, args: list[str], config: str | None,
                                            message: str) -> None:
    if config:
        (project / "pyproject.toml").write_text(config, "utf-8")
    result = runner.invoke(app, ["generate", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_plan_with_errors_is_reported_with_positions_and_exit_1(project: Path) -> None:
    bad = project / "plans" / "ecommerce.yaml"
    bad.write_text(bad.read_text("utf-8").replace("cart_id: {type: string,",
                                                  "cart_id: {type: strin,"),
                   "utf-8")
    result = runner.invoke(app, ["generate", "--lang", "python", "--out", "x"])
    assert result.exit_code == 1
    assert "plans/ecommerce.yaml:" in result.output and "PL111" in result.output
    assert not (project / "x").exists()


def test_out_must_be_a_folder(project: Path) -> None:
    (project / "tracking.py").write_text("# mine\n", "utf-8")
    result = runner.invoke(app, ["generate", "--lang", "python", "--out", "tracking.py"])
    assert result.exit_code == 2 and "is a file" in result.output
    assert (project / "tracking.py").read_text("utf-8") == "# mine\n"


def test_two_plans_need_a_choice(project: Path) -> None:
    shutil.copy(ECOMMERCE, project / "plans" / "second.yaml")
    result = runner.invoke(app, ["generate", "--lang", "python", "--out", "x"])
    assert result.exit_code == 2 and "choose one with --plan" in result.output


def test_help_has_examples() -> None:
    result = runner.invoke(app, ["generate", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "--check" in result.output


@pytest.mark.parametrize(("lang", "mine"), [("python", "__init__.py"),
                                            ("typescript", "validation.ts")])
def test_generate_never_overwrites_a_file_it_did_not_write(project: Path, lang: str,
                                                           mine: str) -> None:
    out = project / "src" / "app"
    out.mkdir(parents=True)
    (out / mine).write_text("# my own module\nVALUE = 1\n", "utf-8")
    result = runner.invoke(app, ["generate", "--lang", lang, "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{out / mine} exists and was not written by `protocols generate`" in result.output
    assert (out / mine).read_text("utf-8") == "# my own module\nVALUE = 1\n"
    assert sorted(p.name for p in out.iterdir()) == [mine]  # nothing else written either
    # Files it wrote itself are its own to replace.
    (out / mine).unlink()
    assert runner.invoke(app, ["generate", "--lang", lang, "--out", str(out)]).exit_code == 0
    first = (out / mine).read_text("utf-8")
    (out / mine).write_text(first.replace("Do not edit", "Edited"), "utf-8")
    assert runner.invoke(app, ["generate", "--lang", lang, "--out", str(out)]).exit_code == 0
    assert (out / mine).read_text("utf-8") == first


def test_a_plan_without_a_version_never_says_version_none(project: Path) -> None:
    """Every language's every generated file (the registry's, so new languages are held to
    it too)."""
    from protocols.generate import LANGUAGES, GenerateOptions, generate
    from protocols.plan import load_plan

    plan = project / "plans" / "ecommerce.yaml"
    plan.write_text(plan.read_text("utf-8").replace('version: "2.0.0"\n', ""), "utf-8")
    loaded = load_plan(plan)
    assert loaded.version is None
    for lang in LANGUAGES:
        for name, text in generate(loaded, GenerateOptions(lang=lang)).items():
            header = next(line for line in text.splitlines() if "Generated by protocols" in line)
            assert "None" not in header and "null" not in header, (lang, name, header)
    for lang, files in (("python", ["__init__.py"]), ("typescript", ["index.ts"])):
        out = project / lang
        assert runner.invoke(app, ["generate", "--lang", lang, "--out", str(out)]).exit_code == 0
        for name in files:
            header = (out / name).read_text("utf-8").splitlines()[0]
            assert "(no version)" in header, header


def test_generate_reads_the_plan_once(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The lint gate lints the plan generate loaded (it once read and parsed it a second time).
    from protocols.plan import loader

    read: list[str] = []
    real = loader.read_document
    monkeypatch.setattr(loader, "read_document",
                        lambda path, *args: read.append(Path(path).name) or real(path, *args))
    result = runner.invoke(app, ["generate", "--lang", "python", "--out", "src/tracking"])
    assert result.exit_code == 0, result.output
    assert read == ["ecommerce.yaml"]
