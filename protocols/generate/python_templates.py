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
        """Validate against the embedded schema; each problem goes to ``on_violation``.

        Checking never raises into the call: a payload that cannot be checked (too deep, an
        object jsonschema cannot read) is reported as a violation too. Only a handler that
        raises on purpose stops the call.
        """
        if not self._validate:
            return
        field = "traits" if kind in ("identify", "group") else "properties"
        try:
            validator = self._validators.get((kind, name))
            if validator is None:
                validator = _validator(_SCHEMAS[(kind, name)])
                self._validators[(kind, name)] = validator
            errors = sorted(validator.iter_errors(payload),
                            key=lambda error: [str(part) for part in error.absolute_path])
            found = [Violation(kind, name, _path(field, error.absolute_path), str(error.message))
                     for error in errors]
        except Exception as error:  # a broken check must never break the app's call
            found = [Violation(kind, name, field, "the payload could not be checked: "
                               f"{type(error).__name__}: {error}")]
        for violation in found:
            self._on_violation(violation)
'''

VALIDATION_HELPERS = '''
def _path(field: str, parts: Any) -> str:
    text = field
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


_CLASSES: dict[str, Any] = {}


def _validator(schema: Mapping[str, Any]) -> Any:
    """A draft 2020-12 validator for ``schema`` that reaches nothing outside it (references
    to other documents are never fetched) and runs every pattern in bounded time."""
    # Imported on first use so that clients built with validate=False need no jsonschema.
    jsonschema: Any = importlib.import_module("jsonschema")
    if "class" not in _CLASSES:
        _CLASSES["class"] = jsonschema.validators.extend(
            jsonschema.Draft202012Validator, {"pattern": _pattern})
    try:
        referencing: Any = importlib.import_module("referencing")
    except ImportError:  # jsonschema before 4.18: the schemas hold local references only
        return _CLASSES["class"](schema)
    return _CLASSES["class"](schema, registry=referencing.Registry(retrieve=_no_retrieval))


def _no_retrieval(uri: str) -> Any:
    raise LookupError(f"{uri} is not fetched: the plan's schemas are self-contained")


def _pattern(validator: Any, pattern: str, value: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` as jsonschema checks it, except that a pattern searched from every start
    position (not anchored with ^) is run only on values up to _MAX_SEARCHED characters:
    generate refused every pattern that can backtrack, and this bounds the rest."""
    if not isinstance(value, str):
        return
    errors: Any = importlib.import_module("jsonschema.exceptions")
    if pattern in _UNANCHORED and len(value) > _MAX_SEARCHED:
        yield errors.ValidationError(f"a value of {len(value)} characters was not checked "
                                     f"against {pattern!r} (at most {_MAX_SEARCHED})")
    elif re.search(pattern, value) is None:
        yield errors.ValidationError(f"{value!r} does not match {pattern!r}")
'''
