"""``--format markdown``: the PR-comment / step-summary content, its caps and escaping."""

from __future__ import annotations

from protocols.diagnostics import Diagnostic, Severity
from protocols.report import RenderOptions, RunResult
from protocols.report.markdown import cell, code_span, render_markdown, truncate_markdown
from tests.golden import assert_golden
from tests.report_samples import OPTIONS, diff_result, validate_result


def test_markdown_output_golden() -> None:
    assert_golden("validate.md", render_markdown(validate_result(), OPTIONS))


def test_validate_summary_has_counts_events_drift_codes_and_findings() -> None:
    text = render_markdown(validate_result(), OPTIONS)
    assert text.startswith("### ❌ protocols validate: 10 errors, 1 warning, 0 notes\n")
    assert "| 14 | 9 | 4 | 1 |" in text
    assert "| `Order Shipped` | no | 1 | 1 |" in text
    assert "| `Signed In` | yes | 4 | 1 |" in text
    assert "`Signed In` web: 120<br>`Signed-In` ios: 4" in text
    # Counts by code come from the summary (validate caps the examples it keeps).
    assert "#pt301-type-mismatch) | error | 7 |" in text
    assert "…and 5 more findings (validate kept 6 examples; see its --max-examples)" in text
    # A pipe or a tag in a message cannot break the table or inject HTML.
    assert "cart_id' \\| see &lt;plan&gt; |" in text


def test_a_rules_url_from_the_options_is_used_for_links() -> None:
    text = render_markdown(diff_result(), RenderOptions(rules_url="https://docs.example/rules"))
    assert "(https://docs.example/rules#pd202-property-added-required)" in text
    assert "| error | 2 |" in text


def test_long_sections_are_capped_and_say_so() -> None:
    many = tuple(Diagnostic("PL201", "event-case", Severity.ERROR, f"bad {i}", file="p.yaml",
                            line=i + 1) for i in range(45))
    text = render_markdown(RunResult("lint", many, {"files": 1}), OPTIONS)
    assert "#### Top findings" in text
    assert text.count("| error | PL201 event-case |") == 20
    assert "…and 25 more findings" in text


def test_clean_run() -> None:
    text = render_markdown(RunResult("lint", (), {"files": 3}), OPTIONS)
    assert text.splitlines()[0] == "### ✅ protocols lint: no problems found in 3 files"


def test_cells_and_code_spans_survive_pipes_newlines_and_backticks() -> None:
    # A newline in a name or value is shown as \n (sanitised), never as a line break.
    assert cell("a|b\nc<d>") == "a\\|b\\\\nc&lt;d&gt;"
    assert cell("*x* [y](z) `c` ~~s~~ &lt; \\") == \
        "\\*x\\* \\[y\\](z) \\`c\\` \\~\\~s\\~\\~ &amp;lt; \\\\"
    assert code_span("a`b|c") == "`` a`b\\|c ``"
    assert code_span("x\ny\x1b") == "`x\\ny\\x1b`"


def test_truncation_cuts_at_a_line_and_fits_the_byte_budget() -> None:
    text = "".join(f"| row {i} | é |\n" for i in range(1000))
    cut = truncate_markdown(text, 2000)
    assert len(cut.encode("utf-8")) <= 2000
    assert cut.rstrip().endswith("see the full report.")
    assert "| row 0 | é |" in cut and "| row 999 |" not in cut
    assert truncate_markdown("short\n", 2000) == "short\n"
    assert truncate_markdown(text, 10) == ""
