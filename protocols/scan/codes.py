"""The stable codes of ``protocols scan`` (PS...), with their documentation.

Codes never change meaning once released. Each has a readable name, a category (what
``--fail-on`` selects), a default severity, a one line summary and a doc with a failing and a
passing example; docs/rules.md is generated from this table (:func:`rules_section`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Literal

from protocols.diagnostics import Coded, Severity

# What --fail-on chooses among; the other categories never fail a run.
Category = Literal["missing", "unplanned", "drift", "unresolved", "deprecated", "source"]
FAIL_CATEGORIES: tuple[Category, ...] = ("missing", "unplanned", "drift")

EXAMPLE_PLAN = """```yaml
events:
  Order Completed:
    properties:
      order_id: {type: string, required: true}
      currency: {type: string, enum: [USD, EUR], required: true}
      total: {type: number, required: true}
  Signed In: {}
  Order Placed: {deprecated: true}
```"""


@dataclass(frozen=True)
class ScanCode(Coded):
    code: str
    name: str
    category: Category
    default: Severity
    summary: str
    doc: str


CODES: dict[str, ScanCode] = {}


def _code(code: str, name: str, category: Category, default: Severity, summary: str,
          failing: str, passing: str, doc: str) -> None:
    text = inspect.cleandoc(doc)
    if failing:
        text += "\n\nFailing:\n\n```python\n" + failing.strip("\n") + "\n```"
    if passing:
        text += "\n\nPassing:\n\n```python\n" + passing.strip("\n") + "\n```"
    CODES[code] = ScanCode(code, name, category, default, summary, text)


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO
_OK = 'analytics.track(user_id, "Order Completed",\n' \
      '                {"order_id": "o1", "currency": "USD", "total": 10.0})'

# -- reading the source ------------------------------------------------------------------
_code("PS001", "unreadable-source", "source", W, "A source file cannot be read as text.",
      "", "",
      """The file has a source extension but is not UTF-8 (the column is the byte offset of the
      first bad byte), cannot be opened, or is not a regular file. Calls in it are not seen,
      so the scan says so instead of passing quietly.""")
_code("PS002", "source-too-large", "source", W,
      "A source file is larger than the scan's size limit.", "", "",
      """Files above `max_file_size` (1 MiB by default; `[tool.protocols.scan]`) are most
      likely generated or minified bundles. They are not parsed, so memory and time stay
      bounded; exclude them with `--exclude` or raise the limit.""")
_code("PS003", "syntax-error", "source", W,
      "The parser found a syntax error; calls elsewhere in the file are still found.",
      "analytics.track(user_id, \"Order Completed\", {\"order_id\": \"o1\",", _OK,
      """Tree-sitter recovers from errors, so the rest of the file is scanned. The position is
      the first error. A file in a newer language version than the grammar knows can show
      this too.""")

_code("PS004", "nested-too-deeply", "source", W,
      "The syntax nests so deeply that calls below a depth were not examined.", "", "",
      """Calls inside calls (a chain `analytics.track(a).track(b)...` thousands long),
      brackets inside brackets, `a.b.c...` or `1 + 1 + ...` thousands long. tree-sitter's
      query engine pays, for every node, in proportion to its depth (a 1 MB Go file of 34,000
      nested map literals took 16 s, a JavaScript chain of 20,000 calls 13 s and 3 GB, and
      the square of that as they grow), so in a file over 8 KiB whose syntax tree is deeper
      than 1,024 levels, calls are looked for only where they start within 1,024 levels of
      the top. The position is the first node deeper than that. Code written by people
      nests a few dozen levels: such a file is generated or hostile; exclude it, or split
      the expression.

      The other depth bounds of the scan are reported the same way, each with its own
      message, once per file at the first place (with the number of places): a value (a
      name, a payload, a constant) is read down to 48 levels of nesting, classes nested in
      classes down to 48 levels (constants deeper are not resolved), a message builder's
      chained calls (Java) up to 48, a chain of property setters (Go) or map builder calls
      (Java) up to 256, and a payload is checked down to 64 levels of objects and arrays,
      constants followed. What lies past a bound is not checked.""")

_code("PS005", "too-many-ignore-patterns", "source", W,
      "A .gitignore holds more patterns than the scan applies.", "", "",
      """Every path below a .gitignore is held to each of its patterns, so a file of 116,000
      patterns (1 MiB) took 13 s to read and 35 ms for every path of the tree. The first
      10,000 patterns of each .gitignore are applied; the position is the line of the first
      one that is not, and files only it would ignore are scanned. (More than 10,000
      `--exclude` patterns are a usage error.)""")

# -- event names -------------------------------------------------------------------------
_code("PS101", "unresolved-event-name", "unresolved", W,
      "An event (or page/screen) name is not a literal or a constant the scan can resolve.",
      'analytics.track(user_id, f"Order {state}")',
      'ORDER_COMPLETED = "Order Completed"\nanalytics.track(user_id, ORDER_COMPLETED, props)',
      """Names given as string literals, constants of the same file, constants imported from
      another scanned file and enum members are resolved. A template with variables, a
      function parameter, a call result or a variable is reported here, never skipped.
      When the name is a parameter of the function the call is in, that function is a
      wrapper: declare it in `[tool.protocols.scan] wrappers` and its callers are checked
      instead.""")
_code("PS102", "unplanned-event", "unplanned", E, "The code sends an event the plan does not define.",
      'analytics.track(user_id, "Cart Abandoned")', _OK,
      """No planned event has this name, even ignoring case and separators (that would be
      PS103). A close spelling gets a did-you-mean.""")
_code("PS103", "event-name-drift", "drift", E,
      "An event name differs from a planned one only by case, spaces, hyphens or underscores.",
      'analytics.track(user_id, "Signed-In")', 'analytics.track(user_id, "Signed In")',
      """The same event spelled another way ("Signed-In" in the iOS code where the plan says
      "Signed In"). The suggestion is the planned name. Page and screen names are checked the
      same way against the plan's pages and screens.""")
_code("PS104", "deprecated-event", "deprecated", W, "The code sends an event the plan marks deprecated.",
      'analytics.track(user_id, "Order Placed")', _OK,
      """The event is still planned (so its payload is checked) but should no longer be sent.""")

# -- payloads ------------------------------------------------------------------------------
_LITERAL = ("Only keys and values written in the call (a dict, object, map or dictionary "
            "literal, or constants) are checked; a payload built elsewhere is not guessed at.")
_code("PS201", "unplanned-property", "unplanned", W,
      "A literal payload has a key the plan does not define (severity from `additional_properties`).",
      'analytics.track(user_id, "Order Completed",\n'
      '                {"order_id": "o1", "currency": "USD", "total": 10.0, "gift": True})',
      _OK,
      f"""The plan's `additional_properties` sets the severity as it does for `validate`:
      `allow` reports nothing, `warn` a warning, `error` an error (then it is in the
      `unplanned` category of `--fail-on`). A key that matches a planned one once case and
      separators are ignored is PS202 instead. {_LITERAL}""")
_code("PS202", "property-name-drift", "drift", E,
      "A payload key differs from a planned one only by case or separators.",
      'analytics.track(user_id, "Order Completed",\n'
      '                {"orderId": "o1", "currency": "USD", "total": 10.0})', _OK,
      f"""`orderId` in the code where the plan says `order_id`. No PS205 is reported for the
      planned key as well. {_LITERAL}""")
_code("PS203", "wrong-type", "drift", E, "A literal value has the wrong JSON type.",
      'analytics.track(user_id, "Order Completed",\n'
      '                {"order_id": "o1", "currency": "USD", "total": "10.00"})', _OK,
      f"""A string where the plan says number, a number where it says string... {_LITERAL}""")
_code("PS204", "not-in-enum", "drift", E, "A literal value is not one of the plan's allowed values.",
      'analytics.track(user_id, "Order Completed",\n'
      '                {"order_id": "o1", "currency": "usd", "total": 10.0})', _OK,
      f"""The value is not in the property's `enum` (or is not its `const`). When it differs
      from an allowed value only by case or separators, that value is the suggestion.
      {_LITERAL}""")
_code("PS205", "required-property-missing", "drift", E,
      "A literal payload lacks a property the plan marks required.",
      'analytics.track(user_id, "Order Completed", {"order_id": "o1", "total": 10.0})', _OK,
      f"""Reported only when the payload is complete as written: no spread (`...rest`,
      `**extra`), no computed key, no statements between `put` calls. {_LITERAL}""")
_code("PS206", "deprecated-property", "deprecated", W,
      "A literal payload sends a property the plan marks deprecated.", "", "",
      f"""The property is still planned but should no longer be sent. {_LITERAL}""")

# -- coverage ------------------------------------------------------------------------------
_code("PS301", "planned-event-not-sent", "missing", N,
      "A planned event (or identify, group, page, screen) is sent nowhere in the scanned code.",
      "", "",
      """The finding points at the plan. Coverage lists every planned message with the
      file:line of each call that sends it; a call that misspells the name (PS103) does not
      count. With `--fail-on missing` these fail the run (an error each), so CI can require
      that the code implements the whole plan.""")

del E, W, N


def rules_section() -> str:
    """The scan part of docs/rules.md."""
    from protocols.docgen import anchor

    lines = ["## Scan codes (`protocols scan`)", "",
             "Findings about the tracking calls in source code. Each names the source "
             "file:line:column and, for a check against the plan, the plan file:line of the "
             "rule. `--fail-on missing,unplanned,drift` chooses which categories fail the run: "
             "their findings are errors, the others warnings (notes for `missing`). Examples "
             "are Python and use this plan:", "", EXAMPLE_PLAN, "",
             "| code | name | category | what |", "|---|---|---|---|"]
    for code in sorted(CODES):
        item = CODES[code]
        lines.append(f"| [{item.code}](#{anchor(item.code, item.name)}) | {item.name} | "
                     f"{item.category} | {item.summary} |")
    lines.append("")
    for code in sorted(CODES):
        item = CODES[code]
        lines += [f"### {item.code} {item.name}", "", f"Category: {item.category}.", "",
                  item.doc.strip(), ""]
    return "\n".join(lines)
