from __future__ import annotations
from typing import Any
def render_typescript(model: Any, **kw: Any) -> dict[str, str]:
    raise NotImplementedError
