"""``python -m protocols.spark``: ``protocols validate`` on Apache Spark, for ``spark-submit``.

The options are validate's; ``--good``, ``--bad`` and ``--bad-reasons`` name folders of part
files (any path Spark writes), and ``--jobs`` spreads the lines over that many partitions.
Reports are validate's, written by the driver (docs/spark.md).
"""

from __future__ import annotations

from pathlib import Path

import typer

from protocols.cli.output import (
    FORMAT_HELP,
    OUTPUT_HELP,
    lists_every_finding,
    usage_error,
)
from protocols.cli.output import main as run_app
from protocols.cli.plan_tools import load_or_exit
from protocols.cli.validate import FAIL_ON, finish_run, run_settings
from protocols.plan.confine import inside
from protocols.plan.model import Plan
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD
from protocols.validate.planref import find_plan
from protocols.validate.read.sources import InputError

app = typer.Typer(name="protocols.spark", add_completion=False, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  rich_markup_mode=None)


@app.command(epilog="""\b
Examples:
  python -m protocols.spark --plan plans/ecommerce.yaml examples/ -f json -o report.json
  spark-submit --master yarn "$(python -c 'import protocols.spark.__main__ as m; print(m.__file__)')" \\
      --plan plans/ecommerce.yaml s3a://events/2026-11-02/ --bad s3a://events/quarantine/bad \\
      -f sarif -o validate.sarif -f markdown -o summary.md
Inputs: local paths as validate takes them, or any path Spark reads (hdfs://, s3a://...).
Exit codes: 0 clean, 1 findings at --fail-on or above, 2 usage error.
""")
def validate(
    inputs: list[str] = typer.Argument(..., metavar="INPUT",
                                       help="Log files, folders, globs, or Spark paths."),
    plan: str | None = typer.Option(None, "--plan", "-p", help="Plan file or plan id under "
                                    "the plans folder (default: the only plan there)."),
    source_field: str | None = typer.Option(None, "--source-field", help="Dotted path of the "
                                            "field naming a message's source (default: "
                                            f"{DEFAULT_SOURCE_FIELD})."),
    max_examples: int | None = typer.Option(None, "--max-examples", min=0, help="Findings "
                                            "shown per code and event (default 5)."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="error (default), warning or "
                                       "never. Messages with findings at this level are "
                                       "invalid."),
    good: str | None = typer.Option(None, "--good", help="Folder to write valid lines to, "
                                    "unchanged, as part files."),
    bad: str | None = typer.Option(None, "--bad", help="Folder to write invalid and "
                                   "unparseable lines to, unchanged, as part files."),
    bad_reasons: str | None = typer.Option(None, "--bad-reasons", help="Folder: why each "
                                           "bad line is bad (NDJSON part files)."),
    jobs: int | None = typer.Option(None, "--jobs", "-j", min=1, help="Spread the lines "
                                    "over this many partitions before checking them "
                                    "(default: a task per input file)."),
    master: str | None = typer.Option(None, "--master", help="Spark master when not run by "
                                      "spark-submit (default: Spark's, local[*])."),
    format: list[str] = typer.Option(["auto"], "--format", "-f", help=FORMAT_HELP),
    output: list[Path] = typer.Option([], "--output", "-o", help=OUTPUT_HELP),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in "
                                       "pyproject.toml)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Accepted as validate's; the "
                               "job shows no progress line (Spark's own UI shows progress)."),
) -> None:
    """Validate event logs against a plan on Spark, as protocols validate does."""
    settings, section, level, examples = run_settings(config, fail_on, max_examples)
    if bad_reasons is not None and bad is None:
        raise usage_error("--bad-reasons explains the lines of --bad: pass --bad FOLDER too")
    written = [p for p in (good, bad, bad_reasons) if p is not None]
    if len(set(written)) < len(written):
        raise usage_error("--good, --bad and --bad-reasons must be different folders")
    try:
        plan_path = find_plan(plan or section.get("plan"), settings.plans_dir)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    loaded = load_or_exit(plan_path)
    assert isinstance(loaded, Plan)
    every = lists_every_finding(format)  # (checks the formats before Spark starts)
    from protocols.spark import JobOptions, run_job
    from protocols.spark.read import list_inputs
    from protocols.spark.session import job_session

    spark, owned = job_session(master)
    try:
        try:
            files = list_inputs(spark, inputs)
        except InputError as exc:
            raise usage_error(str(exc)) from None
        for folder in written:
            held = [f.shown for f in files if f.local is not None
                    and inside(Path(f.local), Path(folder).resolve())]
            if held:
                raise usage_error(f"the output folder {folder} holds an input ({held[0]})")
        options = JobOptions(
            source_field=source_field or str(section.get("source_field", DEFAULT_SOURCE_FIELD)),
            max_examples=examples, fail_on=FAIL_ON[level], good=good, bad=bad,
            bad_reasons=bad_reasons, partitions=jobs, every_finding=every)
        result = run_job(spark, loaded, inputs, options, files=files)
    finally:
        if owned:
            spark.stop()
    finish_run(result, format, output, level)


def main() -> None:
    run_app(app)
