"""The stable codes of ``protocols validate`` (PV...), with their documentation.

Codes never change meaning once released. Each has a readable name, a default severity, a one
line summary and a doc with a failing and a passing example; docs/rules.md is generated from
this table (:func:`rules_section`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from protocols.diagnostics import Coded, Severity

# The example plan every doc below refers to.
EXAMPLE_PLAN = """```yaml
additional_properties: warn
events:
  Order Completed:
    properties:
      order_id: {type: string, required: true}
      currency: {type: string, enum: [USD, EUR, GBP], required: true}
      total: {type: number, minimum: 0, required: true}
      coupon: {type: string, pattern: "^[A-Z0-9]+$"}
      email: {type: string, format: email}
      discount: {type: number, deprecated: true}
      tags: {type: array, items: {type: string}, uniqueItems: true}
  Order Placed: {deprecated: true}
identify:
  traits:
    email: {type: string, format: email, required: true}
```"""


@dataclass(frozen=True)
class ValidateCode(Coded):
    code: str
    name: str
    default: Severity
    summary: str
    doc: str
    failing: str = ""
    passing: str = ""


CODES: dict[str, ValidateCode] = {}


def _code(code: str, name: str, default: Severity, summary: str, failing: str,
          passing: str, doc: str) -> None:
    text = (inspect.cleandoc(doc) + "\n\nFailing:\n\n```json\n" + inspect.cleandoc(failing)
            + "\n```\n\nPassing:\n\n```json\n" + inspect.cleandoc(passing) + "\n```")
    CODES[code] = ValidateCode(code, name, default, summary, text, failing, passing)


E, W = Severity.ERROR, Severity.WARNING
# Examples are real messages, checked against EXAMPLE_PLAN by the tests. An example without a
# `type` shows only the fields that matter: it stands for an "Order Completed" track message
# from user u1 with those fields.
_ID = '"userId": "u1"'
_WHO = '{"type": "identify", "userId": "u1", "traits": {"email": "ann@example.com"}}'
_ORDER = ('{"type": "track", "event": "Order Completed", "userId": "u1",\n'
          ' "properties": {"order_id": "o1", "currency": "USD", "total": 10}}')


def _props(extra: str = "", **fields: str) -> str:
    """An "Order Completed" payload (only the fields that matter) with changes."""
    values = {"order_id": '"o1"', "currency": '"USD"', "total": "10", **fields}
    body = ", ".join(f'"{k}": {v}' for k, v in values.items() if v)
    return '{"properties": {' + body + (", " + extra if extra else "") + "}}"


# -- reading the input --------------------------------------------------------------------
_code("PV001", "malformed-json", E, "An input line (or document) is not valid JSON.",
      '{"type": "track", "event": "Order Completed",', _WHO,
      """The line cannot be parsed as JSON (a truncated line, a trailing comma, `NaN`). The
      column points at the first bad character. The run goes on with the next line, and
      `--bad` keeps the line as it was. In a JSON array, a broken element is one such
      message, as far as its brackets go, and the elements after it are read as usual.""")
_code("PV002", "not-an-object", E, "A message is JSON but not an object.",
      '"Order Completed"', _WHO,
      """Every Segment message is a JSON object; an array, string or number on a line (or in a
      `batch`) is not a message.""")
_code("PV003", "invalid-encoding", E, "An input line is not UTF-8.",
      '{"type": "identify", "userId": "caf\\xe9"}   (Latin-1 bytes)', _WHO,
      """JSON text is UTF-8. The column is the byte offset of the first bad byte.""")
_code("PV004", "line-too-long", E, "An input line is longer than 1 MiB.",
      '{"type": "track", "event": "Order Completed", "properties": {"blob": "... 2 MB ..."}}',
      _WHO,
      """Segment refuses messages above 32 KB; a line over 1 MiB is not read as a message (it
      is most likely a binary file or a missing newline), so memory stays bounded.""")
_code("PV005", "unreadable-input", E, "An input file cannot be read (or its gzip is corrupt).",
      "(a truncated .gz file)", _WHO,
      """The file cannot be opened, a folder cannot be listed (a link to nothing, no
      permission), or a gzip stream is corrupt or truncated. Lines read before the problem
      are kept; a last line cut short by a broken gzip stream goes to `--bad` with this
      finding.""")
_code("PV006", "input-stopped", E, "Reading an input stopped early: it does not look like a "
      "log.",
      "(the output of /dev/zero, /dev/urandom or `yes`)", _WHO,
      """Reading stops, with this finding, at a line (or an array element) longer than 64 MiB,
      at more than 64 MiB of blank lines (or of white space between the elements of an
      array) in a row, or after 100,000 lines (or 64 MiB) in a row with no message
      that can be read: such an input is not a log, and would otherwise run on forever (an
      endless stream) or fill the bad file with it. Everything read up to there is
      validated and quarantined as usual; the rest of that input is neither, and this
      finding says where reading stopped. Other inputs are read as usual.""")

# -- the Segment spec --------------------------------------------------------------------
_code("PV101", "unknown-message-type", E,
      "`type` is missing or not one of track, identify, group, page, screen, alias.",
      f'{{"type": "event", "event": "Order Completed", {_ID}}}', _ORDER,
      """The Segment spec has six message types. A message without a known `type` cannot be
      checked any further.""")
_code("PV102", "missing-event-name", E,
      "A track message without an `event` name (or a group without `groupId`).",
      f'{{"type": "track", {_ID}, "properties": {{}}}}', _ORDER,
      """A track message names its event in `event`, a non-empty string; a group message
      names the group in `groupId`.""")
_code("PV103", "unplanned-event", E, "A track event the plan does not define.",
      f'{{"type": "track", "event": "Cart Abandoned", {_ID}}}', _ORDER,
      """The event is not in the plan, and no planned event has the same name once case and
      separators are ignored (that would be PV301). A close spelling gets a did-you-mean.""")
_code("PV104", "missing-identity", E,
      "Neither `userId` nor `anonymousId` is a non-empty string.",
      '{"type": "identify", "userId": null, "anonymousId": "",\n'
      ' "traits": {"email": "ann@example.com"}}',
      '{"type": "identify", "userId": null, "anonymousId": "a-1",\n'
      ' "traits": {"email": "ann@example.com"}}',
      """Segment needs one of `userId` and `anonymousId` to be a non-empty string; the SDKs
      send the other as `null`, which is fine. An alias message also needs `previousId`.""")
_code("PV105", "invalid-timestamp", E,
      "`timestamp` (or sentAt, receivedAt, originalTimestamp) is not ISO-8601.",
      f'{{"type": "identify", {_ID}, "timestamp": "26/11/2026 10:00",\n'
      ' "traits": {"email": "ann@example.com"}}',
      f'{{"type": "identify", {_ID}, "timestamp": "2026-11-26T10:00:00.000Z",\n'
      ' "traits": {"email": "ann@example.com"}}',
      """When present and not null, timestamps are ISO-8601 strings with a date and a time.""")

# -- the payload against the plan ---------------------------------------------------------
_PAYLOAD = "Applies to properties (track, page, screen) and traits (identify, group) alike."
_code("PV201", "required-property-missing", E, "A required property or trait is missing.",
      _props(order_id=""), _props(),
      f"""A property the plan marks `required: true` is absent. When it was sent under another
      spelling (`orderId`), PV302 reports that instead. {_PAYLOAD}""")
_code("PV202", "wrong-type", E, "A value has the wrong JSON type.",
      _props(total='"10.00"'), _props(total="10.0"),
      f"""A string where the plan says number (a common drift between SDKs), a number where it
      says string, an object where it says array. {_PAYLOAD}""")
_code("PV203", "not-in-enum", E, "A value is not one of the plan's allowed values.",
      _props(currency='"CHF"'), _props(currency='"EUR"'),
      f"""The value is not in `enum` (or not the `const`). A value that differs from an allowed
      one only by case or separators is PV303 instead. {_PAYLOAD}""")
_code("PV204", "pattern-mismatch", E, "A string does not match the plan's `pattern`.",
      _props('"coupon": "spring-10"'), _props('"coupon": "SPRING10"'),
      f"""A value the pattern could not be searched in is reported as not checked, with the
      reason, never as a match or a mismatch: the search was stopped by its time limit, or
      the pattern is not a regular expression (lint PL105). So is a property name that a
      `patternProperties` key could not be searched against (each key is searched on its
      own): that key's rules were not applied to its value, and when nothing else decides
      the name (no `properties` entry, no other key) whether it is planned is not known
      either, so it is not called unplanned (PV207). {_PAYLOAD}""")
_code("PV205", "invalid-format", E,
      "A string is not in the plan's `format` (date-time, email, uri, uuid...).",
      _props('"email": "ann"'), _props('"email": "ann@example.com"'),
      f"""Formats are asserted, as JSON Schema's format-assertion vocabulary does. {_PAYLOAD}""")
_code("PV206", "out-of-range", E,
      "A number, string length, array length or object size is out of range.",
      _props(total="-5"), _props(total="5"),
      f"""`minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`,
      `maxLength`, `minItems`, `maxItems`, `minProperties`, `maxProperties`. {_PAYLOAD}""")
_code("PV207", "unplanned-property", W,
      "A property the plan does not define (severity from `additional_properties`).",
      _props('"gift_wrap": true'), _props(),
      f"""The plan's `additional_properties` sets the severity: `allow` reports nothing,
      `warn` a warning, `error` an error. A schema with an explicit
      `additionalProperties: false` always reports an error. A property that matches a
      planned one once case and separators are ignored is PV302 instead; a name that a
      `patternProperties` key matches is planned (one a key could not be searched against
      is PV204). So is a name a raw `schema:` block plans in place, in the `properties` or
      `patternProperties` of an `allOf`, `anyOf` or `oneOf` branch, of `if`, `then` or
      `else`, or of a `dependentSchemas` entry (as `protocols import jsonschema` keeps
      them). {_PAYLOAD}""")
_code("PV208", "deprecated-event", W, "A message uses an event the plan marks deprecated.",
      f'{{"type": "track", "event": "Order Placed", {_ID}}}', _ORDER,
      """The event is still planned (so it is validated) but should no longer be sent.""")
_code("PV209", "deprecated-property", W,
      "A message sends a property the plan marks deprecated.",
      _props('"discount": 1'), _props(), f"""{_PAYLOAD}""")
_code("PV210", "schema-violation", E,
      "Any other JSON Schema rule of the plan is broken (anyOf, not, uniqueItems...).",
      _props('"tags": ["sale", "sale"]'), _props('"tags": ["sale", "new"]'),
      """Plans may use any draft 2020-12 keyword; failures of keywords without a code of
      their own (here `uniqueItems`) are reported here with jsonschema's message.""")

# -- naming drift ----------------------------------------------------------------------------
_code("PV301", "event-name-drift", E,
      "An event name differs from a planned one only by case, spaces, hyphens or underscores.",
      _ORDER.replace('"Order Completed"', '"order_completed"'), _ORDER,
      """The same event spelled another way by one source ("Order-Completed" from iOS,
      "order_completed" from Android). The suggestion is the planned name, and the message
      is still validated against the planned event. The drift report groups the spellings
      per source.""")
_code("PV302", "property-name-drift", E,
      "A property name differs from a planned one only by case or separators.",
      _props('"orderId": "o1"', order_id=""), _props(),
      f"""`orderId` sent where the plan says `order_id`. The value is validated under the
      planned name, so no PV201 or PV207 is reported for it as well. {_PAYLOAD}""")
_code("PV303", "enum-value-drift", E,
      "An enum value differs from an allowed one only by case or separators.",
      _props(currency='"usd"'), _props(), f"""The suggestion is the allowed spelling. {_PAYLOAD}""")

del E, W


def rules_section() -> str:
    """The validate part of docs/rules.md."""
    from protocols.docgen import anchor

    lines = ["## Validate codes (`protocols validate`)", "",
             "Findings about event messages. Each names the input file:line, the JSON path in "
             "the message and the plan file:line of the rule it broke. Examples use this "
             "plan, and show only the fields that matter:", "", EXAMPLE_PLAN, "",
             "| code | name | default | what |", "|---|---|---|---|"]
    for code in sorted(CODES):
        item = CODES[code]
        lines.append(f"| [{item.code}](#{anchor(item.code, item.name)}) | {item.name} | {item.default.value} | "
                     f"{item.summary} |")
    lines.append("")
    for code in sorted(CODES):
        item = CODES[code]
        lines += [f"### {item.code} {item.name}", "", f"Default severity: {item.default.value}.",
                  "", item.doc.strip(), ""]
    return "\n".join(lines)
