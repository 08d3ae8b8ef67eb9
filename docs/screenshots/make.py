"""Screenshots of each kind of page ``protocols docs`` and ``--format html`` write.

    .venv/bin/python docs/screenshots/make.py            # rewrites docs/screenshots/*.png
    .venv/bin/python docs/screenshots/make.py --out DIR  # somewhere else

Builds the site of plans/ecommerce.yaml, the validate report of examples/ and a diff report
of a small plan change, then opens each page kind in Debian's Chromium (through Playwright,
as the tests do) at 1280x900 and saves the first screen. Offline; about ten seconds.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from protocols.cli import app  # noqa: E402
from tests.browser import CHROMIUM_FLAGS, chromium_path  # noqa: E402

PAGES = {  # screenshot name -> page (relative to the work folder), and what to do first
    "index": ("site/index.html", None),
    "index-search": ("site/index.html", ("#q", "order")),
    "event": ("site/ecommerce/events/order-completed.html", None),
    "traits": ("site/ecommerce/identify.html", None),
    "plan": ("site/ecommerce/index.html", None),
    "library": ("site/ecommerce/library.html", None),
    "conventions": ("site/ecommerce/conventions.html", None),
    "changelog": ("site/ecommerce/changelog.html", None),
    "validate-report": ("validate.html", None),
    "validate-report-drift": ("validate.html", "#drift"),
    "diff-report": ("diff.html", None),
}


def build(work: Path) -> None:
    plan = REPO / "plans" / "ecommerce.yaml"
    runner = CliRunner()
    for args in (["docs", "--plan", str(plan), "--out", str(work / "site")],
                 ["validate", "--plan", str(plan), str(REPO / "examples"), "-f", "html", "-o",
                  str(work / "validate.html")]):
        result = runner.invoke(app, args)
        if result.exit_code not in (0, 1):
            raise SystemExit(result.output)
    text = plan.read_text("utf-8")
    (work / "old.yaml").write_text(text, "utf-8")
    (work / "new.yaml").write_text(
        text.replace('version: "1.0.0"', 'version: "1.0.1"')
        .replace("      query: {required: true}\n",
                 "      query: {required: true}\n      results: {type: integer, required: true}\n")
        .replace("enum: [USD, EUR, GBP]", "enum: [USD, EUR]"), "utf-8")
    result = runner.invoke(app, ["diff", str(work / "new.yaml"), "--against",
                                 str(work / "old.yaml"), "-f", "html", "-o",
                                 str(work / "diff.html")])
    if not (work / "diff.html").is_file():
        raise SystemExit(result.output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit("chromium is not installed: bash tests/setup.d/30-chromium.sh")
    work = Path(tempfile.mkdtemp(prefix="protocols-shots-"))
    try:
        build(work)
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=CHROMIUM_FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for name, (target, action) in PAGES.items():
                page.goto((work / target).as_uri())
                if isinstance(action, tuple):
                    page.fill(*action)
                elif isinstance(action, str):
                    page.locator(action).scroll_into_view_if_needed()
                    page.evaluate(f"document.querySelector('{action}').scrollIntoView()")
                page.screenshot(path=str(args.out / f"{name}.png"))
                print(args.out / f"{name}.png")
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
