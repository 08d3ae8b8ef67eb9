"""Templates of the Python target: the fixed parts of every generated module.

Plan text never reaches these strings: the emitter (:mod:`protocols.generate.python`) only
places them around the definitions and methods it writes from the model.
"""

from __future__ import annotations

PRELUDE = '''
_LOGGER = logging.getLogger(__name__)


class AnalyticsClient(Protocol):
    """What the generated calls need: segment.analytics, its Client, or a compatible SDK."""

    def track(self, *, user_id: Any = ..., event: Any = ..., properties: Any = ...,
              context: Any = ..., timestamp: Any = ..., anonymous_id: Any = ...,
              integrations: Any = ..., message_id: Any = ...) -> object: ...

    def identify(self, *, user_id: Any = ..., traits: Any = ..., context: Any = ...,
                 timestamp: Any = ..., anonymous_id: Any = ..., integrations: Any = ...,
                 message_id: Any = ...) -> object: ...

    def group(self, *, user_id: Any = ..., group_id: Any = ..., traits: Any = ...,
              context: Any = ..., timestamp: Any = ..., anonymous_id: Any = ...,
              integrations: Any = ..., message_id: Any = ...) -> object: ...

    def page(self, *, user_id: Any = ..., category: Any = ..., name: Any = ...,
             properties: Any = ..., context: Any = ..., timestamp: Any = ...,
             anonymous_id: Any = ..., integrations: Any = ..., message_id: Any = ...) -> object: ...

    def screen(self, *, user_id: Any = ..., category: Any = ..., name: Any = ...,
               properties: Any = ..., context: Any = ..., timestamp: Any = ...,
               anonymous_id: Any = ..., integrations: Any = ..., message_id: Any = ...) -> object: ...


@dataclass(frozen=True)
class Violation:
    """A call whose payload does not match the plan."""

    kind: str  # track, identify, group, page or screen
    name: str | None  # the event, page or screen name
    path: str  # where in the message, e.g. properties.products[0].price
    message: str


ViolationHandler = Callable[[Violation], None]


def log_violation(violation: Violation) -> None:
    """The default violation handler: log a warning and send the call anyway."""
    label = violation.name if violation.name is not None else violation.kind
    _LOGGER.warning("tracking plan violation in %s at %s: %s", label, violation.path,
                    violation.message)
'''.strip("\n")

CLIENT_HEAD = '''
class ProtocolsClient:
    """Typed tracking calls. Wrap the SDK once: ``tracking = ProtocolsClient(analytics)``.

    Every call adds ``context.protocols`` (plan id and version) to the context it sends.
    """

    def __init__(self, client: AnalyticsClient, *,
                 on_violation: ViolationHandler = log_violation,
                 validate: bool = True) -> None:
        self._client = client
        self._on_violation = on_violation
        self._validate = validate
        self._validators: dict[tuple[str, str | None], Any] = {}

    def _context(self, context: Mapping[str, Any] | None) -> dict[str, Any]:
        merged = dict(context or {})
        caller = merged.get("protocols")
        merged["protocols"] = {**(caller if isinstance(caller, Mapping) else {}),
                               "plan": PLAN_ID, "version": PLAN_VERSION}
        return merged
'''

CHECK = '''
    def _check(self, kind: str, name: str | None, payload: Mapping[str, Any]) -> None:
        """Validate against the embedded schema; each problem goes to ``on_violation``."""
        if not self._validate:
            return
        validator = self._validators.get((kind, name))
        if validator is None:
            # Imported on first use so that clients built with validate=False need no jsonschema.
            jsonschema: Any = importlib.import_module("jsonschema")
            validator = jsonschema.Draft202012Validator(_SCHEMAS[(kind, name)])
            self._validators[(kind, name)] = validator
        field = "traits" if kind in ("identify", "group") else "properties"
        errors = sorted(validator.iter_errors(payload),
                        key=lambda error: [str(part) for part in error.absolute_path])
        for error in errors:
            self._on_violation(Violation(kind, name, _path(field, error.absolute_path),
                                         str(error.message)))
'''

VALIDATION_HELPERS = '''
def _path(field: str, parts: Any) -> str:
    text = field
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
'''
