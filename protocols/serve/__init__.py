"""``protocols serve``: a local collector that Segment's SDKs send to, with a live page.

By stage, each module independent of the ones after it:

- ``body.py``: a request body decompressed within a limit and split into records;
- ``recorder.py``: the good, bad and reasons files, appended to before the ack;
- ``planwatch.py``: the plan in force and its reload;
- ``tally.py``, ``kept.py``: the counts, and the latest records kept for the API (bounded);
- ``collector.py``: one request through all of the above, with ``protocols.Validator`` and
  the drift tracker of ``protocols validate``; no web framework here;
- ``app.py``: the ASGI application (Starlette): the tracking API, the test API, the page;
- ``connections.py``: the open connections, bounded (how many, how long one may wait for
  its request, how many page streams), on uvicorn's h11 protocol;
- ``server.py``: uvicorn on a bound socket;
- ``static/``: the page's assets, served from the package (no CDN).

Starlette and uvicorn come with the optional extra ``protocols[serve]``; only ``app.py``,
``connections.py`` and ``server.py`` import them.
"""

from __future__ import annotations

from protocols.serve.collector import Collector, CollectorOptions, Reply
from protocols.serve.kept import Query

__all__ = ["Collector", "CollectorOptions", "Query", "Reply"]
