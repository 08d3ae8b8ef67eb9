"""Recognising calls through the clients ``protocols generate`` writes.

Each language's emitter names one method per planned call; scan asks the emitter for those
names (never re-derives them), so a call of ``tracking.order_completed(...)`` is known to send
"Order Completed" exactly when the generated client would. A language is listed here once its
emitter exists; the table maps the scan's language family to a function from the neutral
model to ``{method name: (kind, wire name)}``.
"""

from __future__ import annotations

from collections.abc import Callable

from protocols.generate.model import ClientModel, build_model
from protocols.plan.model import Plan
from protocols.scan.syntax.base import GeneratedNames


def _python(model: ClientModel) -> dict[str, str]:
    from protocols.generate.names import client_names
    from protocols.generate.python import METHOD_NAMES, TYPE_NAMES

    return _by_key(client_names(model, model.objects(), TYPE_NAMES, METHOD_NAMES)[1])


def _typescript(model: ClientModel) -> dict[str, str]:
    from protocols.generate.names import client_names
    from protocols.generate.typescript import METHOD_NAMES, TYPE_NAMES

    return _by_key(client_names(model, model.objects(), TYPE_NAMES, METHOD_NAMES)[1])


def _by_key(names: dict[tuple[str, ...], str]) -> dict[str, str]:
    return {"\x1f".join(key): name for key, name in names.items()}


# Scan family -> the emitter's method name per call (keyed by the call's sort key).
EMITTER_NAMES: dict[str, Callable[[ClientModel], dict[str, str]]] = {
    "python": _python,
    "js": _typescript,
}


def generated_names(plan: Plan) -> dict[str, GeneratedNames]:
    """For each language family with an emitter: method name -> (kind, wire name)."""
    model = build_model(plan)
    calls = {"\x1f".join(call.sort_key): call for call in model.calls}
    out: dict[str, GeneratedNames] = {}
    for family, names_of in EMITTER_NAMES.items():
        table = {}
        for key, method in names_of(model).items():
            call = calls.get(key)
            if call is not None:
                table[method] = (call.kind, call.wire_name)
        out[family] = table
    return out
