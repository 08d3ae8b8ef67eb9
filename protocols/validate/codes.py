"""The stable codes of ``protocols validate`` (PV...), with their documentation.

Codes never change meaning once released. Each has a readable name, a default severity, a one
line summary and a doc with a failing and a passing example; docs/rules.md is generated from
this table (:func:`rules_section`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from protocols.diagnostics import Diagnostic, Location, Severity

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
  Order Placed: {deprecated: true}
identify:
  traits:
    email: {type: string, format: email, required: true}
```"""


@dataclass(frozen=True)
class ValidateCode:
    code: str
    name: str
    default: Severity
    summary: str
    doc: str

    def diagnostic(self, message: str, *, file: str | None = None, line: int | None = None,
                   column: int | None = None, path: str | None = None,
                   suggestion: str | None = None, event: str | None = None,
                   related: Location | None = None,
                   severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(code=self.code, name=self.name, severity=severity or self.default,
                          message=message, file=file, line=line, column=column, path=path,
                          suggestion=suggestion, event=event, related=related)


CODES: dict[str, ValidateCode] = {}


def _code(code: str, name: str, default: Severity, summary: str, failing: str,
          passing: str, doc: str) -> None:
    text = (inspect.cleandoc(doc) + "\n\nFailing:\n\n```json\n" + inspect.cleandoc(failing)
            + "\n```\n\nPassing:\n\n```json\n" + inspect.cleandoc(passing) + "\n```")
    CODES[code] = ValidateCode(code, name, default, summary, text)


E, W = Severity.ERROR, Severity.WARNING
_ID = '"userId": "u1"'

# -- reading the input --------------------------------------------------------------------
_code("PV001", "malformed-json", E, "An input line (or document) is not valid JSON.",
      '{"type": "track", "event": "Order Completed",', f'{{"type": "identify", {_ID}}}',
      """The line cannot be parsed as JSON (a truncated line, a trailing comma, `NaN`). The
      column points at the first bad character. The run goes on with the next line, and
      `--bad` keeps the line as it was.""")
_code("PV002", "not-an-object", E, "A message is JSON but not an object.",
      '["track", "Order Completed"]', f'{{"type": "identify", {_ID}}}',
      """Every Segment message is a JSON object; an array, string or number on a line (or in a
      `batch`) is not a message.""")
_code("PV003", "invalid-encoding", E, "An input line is not UTF-8.",
      '{"type": "identify", "userId": "caf\\xe9"}   (Latin-1 bytes)',
      f'{{"type": "identify", {_ID}}}',
      """JSON text is UTF-8. The column is the byte offset of the first bad byte.""")
_code("PV004", "line-too-long", E, "An input line is longer than 1 MiB.",
      '{"type": "track", "event": "Order Completed", "properties": {"blob": "... 2 MB ..."}}',
      f'{{"type": "identify", {_ID}}}',
      """Segment refuses messages above 32 KB; a line over 1 MiB is not read as a message (it
      is most likely a binary file or a missing newline), so memory stays bounded.""")
_code("PV005", "unreadable-input", E, "An input file cannot be read (or its gzip is corrupt).",
      "(a truncated .gz file)", f'{{"type": "identify", {_ID}}}',
      """The file cannot be opened, a gzip stream is corrupt or truncated, or a JSON document
      is too large to parse whole (write large logs as NDJSON). Lines read before the problem
      are kept.""")

# -- the Segment spec --------------------------------------------------------------------
_code("PV101", "unknown-message-type", E,
      "`type` is missing or not one of track, identify, group, page, screen, alias.",
      f'{{"type": "event", "event": "Order Completed", {_ID}}}',
      f'{{"type": "track", "event": "Order Completed", {_ID}, "properties": {{...}}}}',
      """The Segment spec has six message types. A message without a known `type` cannot be
      checked any further.""")
_code("PV102", "missing-event-name", E,
      "A track message without an `event` name (or a group without `groupId`).",
      f'{{"type": "track", {_ID}, "properties": {{}}}}',
      f'{{"type": "track", "event": "Order Completed", {_ID}, "properties": {{...}}}}',
      """A track message names its event in `event`, a non-empty string; a group message
      names the group in `groupId`.""")
_code("PV103", "unplanned-event", E, "A track event the plan does not define.",
      f'{{"type": "track", "event": "Cart Abandoned", {_ID}}}',
      f'{{"type": "track", "event": "Order Completed", {_ID}, "properties": {{...}}}}',
      """The event is not in the plan, and no planned event has the same name once case and
      separators are ignored (that would be PV301). A close spelling gets a did-you-mean.""")
_code("PV104", "missing-identity", E,
      "Neither `userId` nor `anonymousId` is a non-empty string.",
      '{"type": "track", "event": "Order Completed", "userId": null, "anonymousId": ""}',
      '{"type": "track", "event": "Order Completed", "userId": null, "anonymousId": "a-1"}',
      """Segment needs one of `userId` and `anonymousId` to be a non-empty string; the SDKs
      send the other as `null`, which is fine. An alias message also needs `previousId`.""")
_code("PV105", "invalid-timestamp", E,
      "`timestamp` (or sentAt, receivedAt, originalTimestamp) is not ISO-8601.",
      f'{{"type": "identify", {_ID}, "timestamp": "26/11/2026 10:00"}}',
      f'{{"type": "identify", {_ID}, "timestamp": "2026-11-26T10:00:00.000Z"}}',
      """When present and not null, timestamps are ISO-8601 strings with a date and a time.""")

# -- the payload against the plan ---------------------------------------------------------
_PAYLOAD = "Applies to properties (track, page, screen) and traits (identify, group) alike."
_code("PV201", "required-property-missing", E, "A required property or trait is missing.",
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"currency": "USD", "total": 10}}',
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"order_id": "o1", "currency": "USD", "total": 10}}',
      f"""A property the plan marks `required: true` is absent. When it was sent under another
      spelling (`orderId`), PV302 reports that instead. {_PAYLOAD}""")
_code("PV202", "wrong-type", E, "A value has the wrong JSON type.",
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"order_id": "o1", "currency": "USD", "total": "10.00"}}',
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"order_id": "o1", "currency": "USD", "total": 10.0}}',
      f"""A string where the plan says number (a common drift between SDKs), a number where it
      says string, an object where it says array. {_PAYLOAD}""")
_code("PV203", "not-in-enum", E, "A value is not one of the plan's allowed values.",
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"order_id": "o1", "currency": "CHF", "total": 10}}',
      f'{{"type": "track", "event": "Order Completed", {_ID},\n'
      ' "properties": {"order_id": "o1", "currency": "EUR", "total": 10}}',
      f"""The value is not in `enum` (or not the `const`). A value that differs from an allowed
      one only by case or separators is PV303 instead. {_PAYLOAD}""")
_code("PV204", "pattern-mismatch", E, "A string does not match the plan's `pattern`.",
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 1, "coupon": "spring-10"}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 1, "coupon": "SPRING10"}}',
      f"""{_PAYLOAD}""")
_code("PV205", "invalid-format", E,
      "A string is not in the plan's `format` (date-time, email, uri, uuid...).",
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 1, "email": "ann"}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 1, "email": "ann@x.io"}}',
      f"""Formats are asserted, as JSON Schema's format-assertion vocabulary does. {_PAYLOAD}""")
_code("PV206", "out-of-range", E,
      "A number, string length, array length or object size is out of range.",
      '{"properties": {"order_id": "o1", "currency": "USD", "total": -5}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5}}',
      f"""`minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`,
      `maxLength`, `minItems`, `maxItems`, `minProperties`, `maxProperties`. {_PAYLOAD}""")
_code("PV207", "unplanned-property", W,
      "A property the plan does not define (severity from `additional_properties`).",
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5, "gift_wrap": true}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5}}',
      f"""The plan's `additional_properties` sets the severity: `allow` reports nothing,
      `warn` a warning, `error` an error. A schema with an explicit
      `additionalProperties: false` always reports an error. A property that matches a
      planned one once case and separators are ignored is PV302 instead. {_PAYLOAD}""")
_code("PV208", "deprecated-event", W, "A message uses an event the plan marks deprecated.",
      f'{{"type": "track", "event": "Order Placed", {_ID}}}',
      f'{{"type": "track", "event": "Order Completed", {_ID}, "properties": {{...}}}}',
      """The event is still planned (so it is validated) but should no longer be sent.""")
_code("PV209", "deprecated-property", W,
      "A message sends a property the plan marks deprecated.",
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5, "discount": 1}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5}}',
      f"""{_PAYLOAD}""")
_code("PV210", "schema-violation", E,
      "Any other JSON Schema rule of the plan is broken (anyOf, not, uniqueItems...).",
      '{"properties": {"tags": ["a", "a"]}}   (plan: tags: {type: array, uniqueItems: true})',
      '{"properties": {"tags": ["a", "b"]}}',
      """Plans may use any draft 2020-12 keyword; failures of keywords without a code of
      their own are reported here with jsonschema's message.""")

# -- naming drift ----------------------------------------------------------------------------
_code("PV301", "event-name-drift", E,
      "An event name differs from a planned one only by case, spaces, hyphens or underscores.",
      f'{{"type": "track", "event": "order_completed", {_ID}, "properties": {{...}}}}',
      f'{{"type": "track", "event": "Order Completed", {_ID}, "properties": {{...}}}}',
      """The same event spelled another way by one source ("Order-Completed" from iOS,
      "order_completed" from Android). The suggestion is the planned name, and the message
      is still validated against the planned event. The drift report groups the spellings
      per source.""")
_code("PV302", "property-name-drift", E,
      "A property name differs from a planned one only by case or separators.",
      '{"properties": {"orderId": "o1", "currency": "USD", "total": 5}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5}}',
      f"""`orderId` sent where the plan says `order_id`. The value is validated under the
      planned name, so no PV201 or PV207 is reported for it as well. {_PAYLOAD}""")
_code("PV303", "enum-value-drift", E,
      "An enum value differs from an allowed one only by case or separators.",
      '{"properties": {"order_id": "o1", "currency": "usd", "total": 5}}',
      '{"properties": {"order_id": "o1", "currency": "USD", "total": 5}}',
      f"""The suggestion is the allowed spelling. {_PAYLOAD}""")

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
