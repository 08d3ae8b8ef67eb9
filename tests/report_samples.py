"""Hand-built RunResults shaped like validate's and diff's, for the reporter tests.

validate and diff are built in parallel; these follow the shapes their briefs fix (summary
counts, ``by_event``, ``by_code``, ``extra["inconsistencies"]``, diagnostics with ``event``
and ``related``) and validate's conventions: an ``event-name-drift`` finding is about the
planned event it drifts from, an ``unplanned-event`` one about the unplanned name. The codes
(PT...) are deliberately unknown to every registry, so the goldens do not change when
validate's and diff's codes get registered.
"""

from __future__ import annotations

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.report import RenderOptions, RunResult

PLAN = "plans/ecommerce.yaml"
OPTIONS = RenderOptions(tool_version="0.1.0", source_root="/repo")


def validate_result() -> RunResult:
    diagnostics = (
        Diagnostic("PT301", "type-mismatch", Severity.ERROR,
                   "properties.total: expected number, got string '12.50'",
                   file="logs/web.ndjson", line=3, column=1, path="properties.total",
                   event="Order Completed", related=Location(PLAN, 52, 7)),
        Diagnostic("PT301", "type-mismatch", Severity.ERROR,
                   "properties.total: expected number, got string '99.00'",
                   file="logs/web.ndjson", line=7, column=1, path="properties.total",
                   event="Order Completed", related=Location(PLAN, 52, 7)),
        Diagnostic("PT205", "missing-required", Severity.WARNING,
                   "missing required property 'cart_id' | see <plan>",
                   file="/repo/logs/web.ndjson", line=9, column=1, path="properties",
                   event="Product Added", related=Location(PLAN, 41, 7)),
        Diagnostic("PT103", "unplanned-event", Severity.ERROR,
                   "event 'Order Shipped' is not in the plan",
                   file="logs/ios.ndjson", line=2, column=1, path="event",
                   event="Order Shipped"),
        Diagnostic("PT106", "event-name-drift", Severity.ERROR,
                   "event 'Signed-In' is not in the plan; the plan has 'Signed In'",
                   file="logs/ios.ndjson", line=4, column=1, path="event",
                   suggestion="Signed In", event="Signed In", related=Location(PLAN, 80, 3)),
        Diagnostic("PT001", "malformed-json", Severity.ERROR,
                   "line is not JSON: Expecting ',' delimiter",
                   file="logs/ios.ndjson", line=5, column=12),
    )
    summary = {
        "messages": 14, "valid": 9, "invalid": 4, "unparseable": 1,
        "by_event": {
            "Order Completed": {"messages": 4, "invalid": 2},
            "Product Added": {"messages": 3, "invalid": 0},  # only a warning: valid
            "Order Shipped": {"messages": 1, "invalid": 1},
            "Signed In": {"messages": 4, "invalid": 1},
            "Cart Viewed": {"messages": 1, "invalid": 0},
        },
        "by_code": {"PT301": 7, "PT205": 1, "PT103": 1, "PT106": 1, "PT001": 1},
        # validate keeps a few examples per code and event; these are the true totals.
        "by_severity": {"error": 10, "warning": 1, "info": 0},
        "findings": 11, "shown": 6,
    }
    inconsistencies = [
        {"kind": "event-name", "canonical": "Signed In", "event": None, "property": None,
         "planned": True, "variants": [{"value": "Signed In", "source": "web", "count": 120},
                                       {"value": "Signed-In", "source": "ios", "count": 4}]},
        {"kind": "property-name", "canonical": "order_id", "event": "Order Completed",
         "property": "order_id", "planned": True,
         "variants": [{"value": "order_id", "source": "web", "count": 30},
                      {"value": "orderId", "source": "android", "count": 2}]},
    ]
    return RunResult("validate", diagnostics, summary, {"inconsistencies": inconsistencies})


def diff_result() -> RunResult:
    diagnostics = (
        Diagnostic("PD202", "property-added-required", Severity.ERROR,
                   "events[\"Order Completed\"].properties.coupon is now required",
                   file=PLAN, line=60, column=7, path='events["Order Completed"].properties.coupon',
                   event="Order Completed"),
        Diagnostic("PD202", "property-added-required", Severity.ERROR,
                   "events[\"Product Added\"].properties.sku is now required",
                   file=PLAN, line=44, column=7, path='events["Product Added"].properties.sku',
                   event="Product Added"),
        Diagnostic("PD306", "enum-value-added", Severity.INFO,
                   "currency gained the value 'JPY'",
                   file=PLAN, line=28, column=5, path="properties.currency"),
    )
    return RunResult("diff", diagnostics, {"changes": 3, "breaking": 2},
                     {"changes": [{"kind": "property-added-required"}]})
