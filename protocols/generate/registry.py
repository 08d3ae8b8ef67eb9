"""Every target language's :class:`~protocols.generate.emitter.Emitter`, by ``--lang`` name.

Adding a language: write its module (a render function, a naming policy, templates) ending in
an ``EMITTER`` record, and list it here. The CLI, the configuration keys, ``--check``, the
files a language owns and ``protocols scan`` pick it up from this table.
"""

from __future__ import annotations

from protocols.generate import go, java, kotlin, python, swift, typescript
from protocols.generate.emitter import Emitter

EMITTERS: dict[str, Emitter] = {
    emitter.name: emitter for emitter in (
        python.EMITTER,
        typescript.EMITTER,
        kotlin.EMITTER,
        java.EMITTER,
        go.EMITTER,
        swift.EMITTER,
    )
}
LANGUAGES: tuple[str, ...] = tuple(EMITTERS)
