"""The ``protocols`` command line: a thin layer over the core.

Each command turns flags into options, calls the core, hands the result to the reporters and
maps it to an exit code: 0 clean, 1 findings, 2 usage error. Command modules register
themselves on :data:`app` when imported below.
"""

from __future__ import annotations

from protocols.cli import diff as _diff  # noqa: F401  (registers commands)
from protocols.cli import docs as _docs  # noqa: F401
from protocols.cli import generate as _generate  # noqa: F401
from protocols.cli import interop as _interop  # noqa: F401
from protocols.cli import lint as _lint  # noqa: F401  (registers commands)
from protocols.cli import plan_tools as _plan_tools  # noqa: F401
from protocols.cli import scan as _scan  # noqa: F401
from protocols.cli import serve as _serve  # noqa: F401
from protocols.cli import validate as _validate  # noqa: F401
from protocols.cli.app import app
from protocols.cli.output import main as _run


def main() -> None:
    _run(app)


__all__ = ["app", "main"]
