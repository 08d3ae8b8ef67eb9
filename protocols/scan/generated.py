"""Recognising calls through the clients ``protocols generate`` writes.

Each language's emitter names one method per planned call and says so through its registry
record (:attr:`protocols.generate.emitter.Emitter.method_names`); scan asks every registered
emitter for those names (never re-derives them), so a call of
``tracking.order_completed(...)`` is known to send "Order Completed" exactly when the
generated client would. A language added to the registry is recognised here once it is
given the scan languages it is called from (:data:`CALLED_FROM`); a test fails until then.
"""

from __future__ import annotations

from protocols.generate.model import build_model
from protocols.generate.registry import EMITTERS
from protocols.plan.model import MessageKind, Plan
from protocols.scan.syntax.base import GeneratedNames

# Emitter (--lang) -> the scan languages whose code calls its clients.
CALLED_FROM: dict[str, tuple[str, ...]] = {
    "python": ("python",),
    "typescript": ("typescript", "tsx", "javascript"),
    "kotlin": ("kotlin",),
    "java": ("java",),
    "swift": ("swift",),
    "go": ("go",),
}


def generated_names(plan: Plan) -> dict[str, GeneratedNames]:
    """For each scan language: generated method name -> (kind, wire name)."""
    model = build_model(plan)
    out: dict[str, dict[str, tuple[MessageKind, str | None]]] = {}
    for name, emitter in EMITTERS.items():
        table = {method: key for key, method in emitter.method_names(model).items()}
        for language in CALLED_FROM.get(name, ()):
            out.setdefault(language, {}).update(table)
    return dict(out)
